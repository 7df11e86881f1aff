# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: local_discovery
short_description: What exists of a cluster on the local platform
version_added: 0.2.0
description:
  - Turns the registry's answers (its API root, then the manifest of each planned image) and the
    output of C(podman ps --all --format json) into what the discovery role publishes as
    C(discovery_found) on the local platform.
  - The copies of the services are found by the label C(loadbearing.ecs.cluster), HAProxy by
    C(loadbearing.ecs.loadbalancer).
positional: containers, services, cluster, registry, lb_address, supplied
options:
  _input:
    description: The registered results of asking the registry (each with C(item) and C(status)).
    type: list
    elements: dict
    required: true
  containers:
    description: The parsed output of C(podman ps --all --format json).
    type: list
    elements: dict
    required: true
  services:
    description: The service list.
    type: list
    elements: dict
    required: true
  cluster:
    description: The cluster name.
    type: str
    required: true
  registry:
    description: host:port of the registry.
    type: str
    required: true
  lb_address:
    description: Address of the load balancer's listeners.
    type: str
    required: true
  supplied:
    description: Images a user supplies, by service.
    type: dict
    default: {}
"""

EXAMPLES = r"""
discovered: "{{ answers.results | loadbearing.ecs.local_discovery(containers, ecs_services, 'demo', '127.0.0.1:5050', '127.0.0.1') }}"
"""

RETURN = r"""
_value:
  description: C(platform), C(registry), C(images), C(images_missing), C(loadbalancer) and C(services).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.discovery import local_state


def _local_discovery(answers, containers, services, cluster, registry, lb_address, supplied=None):
    try:
        return local_state(answers, containers, services, cluster, registry, lb_address, supplied)
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise AnsibleFilterError("cannot read what exists: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"local_discovery": _local_discovery}
