# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: retry_policy_stats
short_description: Parse the retry policy proxy's counters
version_added: 0.1.0
description:
  - Reads the JSON the proxy serves (the C(retry-policy.sock) unix socket next to haproxy.cfg, or
    C(show retry-policy) on HAProxy's runtime API) and returns the counters of each service with
    a retry policy, every counter and failure class present, plus C(retry_share), retries per call.
  - Counters start at zero when HAProxy starts or reloads.
options:
  _input:
    description: The proxy's JSON text.
    type: str
    required: true
"""

EXAMPLES = r"""
retries: "{{ (stats_answer.content | loadbearing.ecs.retry_policy_stats).backend.retries }}"
"""

RETURN = r"""
_value:
  description:
    - Service name to C(calls), C(attempts), C(retries), C(budget_exhausted), C(gave_up),
      C(failures) (C(connect_failure), C(timeout), C(status), C(body)), C(budget_tokens) and
      C(retry_share).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import parse_stats


def retry_policy_stats(text):
    try:
        return parse_stats(text)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"retry_policy_stats": retry_policy_stats}
