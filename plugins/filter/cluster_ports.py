# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: cluster_ports
short_description: The TCP ports a cluster's own containers hold on the local platform
version_added: 0.2.0
description:
  - Reads the containers of C(podman ps --all --format json) and returns the ports the cluster's
    own containers hold, found by their labels (not by process ids, which a restart changes).
  - A copy of a service holds the port of its C(loadbearing.ecs.port) label; the cluster's
    registry (label C(loadbearing.ecs.registry)) holds O(registry_port); its HAProxy (label
    C(loadbearing.ecs.loadbalancer)) holds every listener port.
positional: cluster, registry_port, listener_ports
options:
  _input:
    description: The parsed output of C(podman ps --all --format json).
    type: list
    elements: dict
    required: true
  cluster:
    description: The cluster name.
    type: str
    required: true
  registry_port:
    description: The registry's port.
    type: int
    required: true
  listener_ports:
    description: The load balancer's listener ports.
    type: list
    elements: int
    required: true
"""

EXAMPLES = r"""
own: "{{ podman_ps.stdout | from_json | loadbearing.ecs.cluster_ports('demo', 5050, [8080, 8081]) }}"
"""

RETURN = r"""
_value:
  description: The ports, sorted.
  type: list
  elements: int
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.listeners import cluster_ports


class FilterModule(object):
    def filters(self):
        return {"cluster_ports": cluster_ports}
