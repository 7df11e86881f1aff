# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: local_slots
short_description: The slots where each service's copies can run on the local platform
version_added: 0.1.0
description:
  - Expands the service list into one entry per slot, C(name), C(service), C(slot) and C(port),
    where the port is O(port_base) + 100 x the service's position in the list + the slot.
  - The load balancer has a server for every slot; the service controller runs copies on them.
positional: cluster, port_base, reachable_only
options:
  _input:
    description: The service list.
    type: list
    elements: dict
    required: true
  cluster:
    description: The cluster name, prefix of every copy's name.
    type: str
    required: true
  port_base:
    description: First host port of the cluster's copies.
    type: int
    required: true
  reachable_only:
    description: Only the slots a service can use at its largest count while it rolls out.
    type: bool
    default: false
"""

EXAMPLES = r"""
ports_to_check: "{{ ecs_services | loadbearing.ecs.local_slots(ecs_cluster_name, 20000, true) | map(attribute='port') }}"
"""

RETURN = r"""
_value:
  description: One dict per slot, C(name), C(service), C(slot), C(port).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.service_list import local_slots


def _local_slots(services, cluster, port_base, reachable_only=False):
    try:
        return local_slots(services, cluster, port_base, reachable_only)
    except (KeyError, ValueError, TypeError) as exc:
        raise AnsibleFilterError("malformed service list: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"local_slots": _local_slots}
