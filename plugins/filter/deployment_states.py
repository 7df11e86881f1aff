# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: deployment_states
short_description: Whether each ECS service runs the revision it was given, is still deploying it, or failed
version_added: 0.1.0
description:
  - For each service, C(stable) when its PRIMARY deployment runs the expected task-definition
    revision with rolloutState COMPLETED and its running count is its desired count; C(failed)
    when that revision's deployment FAILED or no deployment carries it any more (rolled back);
    C(in_progress) otherwise.
positional: task_definitions
options:
  _input:
    description: Services as M(community.aws.ecs_service_info) describes them (with details).
    type: list
    elements: dict
    required: true
  task_definitions:
    description: Expected task-definition revision ARN, by service name.
    type: dict
    required: true
"""

EXAMPLES = r"""
states: "{{ described.services | loadbearing.ecs.deployment_states({'web': 'arn:aws:ecs:...:task-definition/demo-web:3'}) }}"
"""

RETURN = r"""
_value:
  description: C(stable), C(in_progress) or C(failed), by service name.
  type: dict
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.deployments import deployment_states


class FilterModule(object):
    def filters(self):
        return {"deployment_states": deployment_states}
