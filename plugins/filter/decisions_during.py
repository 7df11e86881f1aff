# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: decisions_during
short_description: The service controller's decisions made while a benchmark's requests ran
version_added: 0.1.0
description:
  - Keeps the decisions whose C(time) falls within the seconds of the per-second rows, and adds
    each one's C(offset_s) from the first request's second.
positional: per_second
options:
  _input:
    description: Decisions of the local service controller (M(loadbearing.ecs.services) facts, C(services_decisions)).
    type: list
    elements: dict
    required: true
  per_second:
    description: Rows of C(ansible_facts.apachebench.per_second).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
during: "{{ services_decisions | loadbearing.ecs.decisions_during(ansible_facts.apachebench.per_second) }}"
"""

RETURN = r"""
_value:
  description: The decisions made during the run, each with C(offset_s).
  type: list
  elements: dict
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.timeline import decisions_during


class FilterModule(object):
    def filters(self):
        return {"decisions_during": decisions_during}
