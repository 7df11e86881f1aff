# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: retry_policy_problems
short_description: What is wrong with the service list's retry policies
version_added: 0.1.0
description:
  - One sentence per problem of any service's C(retry_policy) (unknown fields, values out of
    range, a body pattern that is not a regular expression); empty when all are fine.
options:
  _input:
    description: The service list.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
problems: "{{ ecs_services | loadbearing.ecs.retry_policy_problems }}"
"""

RETURN = r"""
_value:
  description: Problems, one sentence each.
  type: list
  elements: str
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import policy_problems


def retry_policy_problems(services):
    problems = []
    for service in services:
        problems.extend(policy_problems(service))
    return problems


class FilterModule(object):
    def filters(self):
        return {"retry_policy_problems": retry_policy_problems}
