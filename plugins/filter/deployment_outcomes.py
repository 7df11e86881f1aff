# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: deployment_outcomes
short_description: Where the local service controller's deployment of each service stands
version_added: 0.1.0
description:
  - For each definition, C(COMPLETED) when the controller reports its revision in service,
    C(FAILED) when it rolled that revision back (the message names the image, the version that
    keeps serving, the reason and the copy's last log lines), C(IN_PROGRESS) otherwise.
positional: definitions
options:
  _input:
    description: The C(services) of the controller's status.json.
    type: dict
    required: true
  definitions:
    description: The definitions build gave the controller (M(loadbearing.ecs.service_definitions) filter).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
failed: "{{ status.services | loadbearing.ecs.deployment_outcomes(definitions) | selectattr('state', 'eq', 'FAILED') }}"
"""

RETURN = r"""
_value:
  description: One C(service), C(state), C(message) per definition, in order.
  type: list
  elements: dict
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.deployments import local_outcomes


class FilterModule(object):
    def filters(self):
        return {"deployment_outcomes": local_outcomes}
