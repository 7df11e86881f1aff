# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: local_replicas
short_description: The copies of every service on the local platform, with their host ports
version_added: 0.1.0
description:
  - Expands the service list into one entry per copy, C(name), C(service), C(index) and C(port),
    where the port is O(port_base) + 100 x the service's position in the list + the copy's index.
positional: cluster, port_base
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
"""

EXAMPLES = r"""
replicas: "{{ ecs_services | loadbearing.ecs.local_replicas(ecs_cluster_name, 20000) }}"
"""

RETURN = r"""
_value:
  description: One dict per copy, C(name), C(service), C(index), C(port).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.service_list import local_replicas


def _local_replicas(services, cluster, port_base):
    try:
        return local_replicas(services, cluster, port_base)
    except (KeyError, ValueError, TypeError) as exc:
        raise AnsibleFilterError("malformed service list: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"local_replicas": _local_replicas}
