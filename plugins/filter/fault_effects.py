# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: fault_effects
short_description: Each injected fault with what the benchmark's client saw right after it
version_added: 0.1.0
description:
  - Adds to each fault event its offset from the first request (C(offset_s)), the requests started
    in the O(window_s) seconds from it, their worst p99, and the run's median requests per second.
positional: per_second, window_s
options:
  _input:
    description: The events of M(loadbearing.ecs.fault_injector) or M(loadbearing.ecs.ecs_fault_injector).
    type: list
    elements: dict
    required: true
  per_second:
    description: C(ansible_facts.apachebench.per_second) of M(loadbearing.ecs.apachebench).
    type: list
    elements: dict
    required: true
  window_s:
    description: Seconds after the fault to look at.
    type: int
    default: 2
"""

EXAMPLES = r"""
effects: "{{ faults.events | loadbearing.ecs.fault_effects(ansible_facts.apachebench.per_second) }}"
"""

RETURN = r"""
_value:
  description: The events, each with C(offset_s), C(requests_in_window), C(window_s), C(worst_p99_ms)
    and C(median_requests_per_second) added.
  type: list
  elements: dict
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.timeline import fault_effects


class FilterModule(object):
    def filters(self):
        return {"fault_effects": fault_effects}
