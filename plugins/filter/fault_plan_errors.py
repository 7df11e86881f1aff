# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: fault_plan_errors
short_description: What is wrong with a benchmark's fault plan
version_added: 0.1.0
description:
  - Checks a list of faults (C(service), C(kill_every_s), C(restart_once_at_s)) against the
    service names and returns one sentence per mistake, saying what to do; empty when it is fine.
positional: services
options:
  _input:
    description: The fault plan, C(benchmark_faults).
    type: raw
    required: true
  services:
    description: The names of the cluster's services.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
errors: "{{ benchmark_faults | loadbearing.ecs.fault_plan_errors(ecs_services | map(attribute='name') | list) }}"
"""

RETURN = r"""
_value:
  description: One message per mistake.
  type: list
  elements: str
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.faults import plan_errors


class FilterModule(object):
    def filters(self):
        return {"fault_plan_errors": plan_errors}
