# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: retry_policy_delta
short_description: What the retry policies did between two readings of their counters
version_added: 0.1.0
description:
  - Takes the retry policy proxy's JSON as read before and after a run (the C(retry-policy.sock)
    unix socket next to the local load balancer's haproxy.cfg) and returns, by service, how many
    calls, attempts, retries, refusals by the budget, calls given up and failures by class happened
    in between, with C(retry_share) (retries per call).
  - Returns None when either reading is missing. A service reset in between (HAProxy restarted or
    reloaded, so its counters went down or were not in the first reading) maps to None, since what
    it did is unknown.
positional: after
options:
  _input:
    description: The proxy's JSON text before the run (empty when it could not be read).
    type: str
    required: true
  after:
    description: The proxy's JSON text after the run.
    type: str
    required: true
"""

EXAMPLES = r"""
retry_policies: "{{ before.content | default('') | loadbearing.ecs.retry_policy_delta(after.content | default('')) }}"
"""

RETURN = r"""
_value:
  description:
    - Service name to C(calls), C(attempts), C(retries), C(budget_exhausted), C(gave_up), C(failures)
      (C(connect_failure), C(timeout), C(status), C(body)) and C(retry_share), or to None when unknown.
    - None when either reading is missing.
  type: dict
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import stats_delta


class FilterModule(object):
    def filters(self):
        return {"retry_policy_delta": stats_delta}
