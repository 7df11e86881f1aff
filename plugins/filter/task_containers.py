# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: task_containers
short_description: The container definitions of a service's ECS task, with the retry proxy as a sidecar
version_added: 0.1.0
description:
  - The service's own container (bridge networking, dynamic host port, awslogs, its environment with
    C(PORT) and its C(endpoints) resolved).
  - When the service calls a service that has a C(retry_policy), a second container, C(retry-proxy),
    runs the retry policy (HAProxy with retry_policy.lua) configured by its C(LOADBEARING_RETRY_*)
    environment. The caller reaches it by a link, on the called service's listener port, and the
    proxy calls the load balancer with the policy.
positional: services, image, endpoints, sidecar_image, log_group, region, memory_mib
options:
  _input:
    description: The service, an entry of the service list.
    type: dict
    required: true
  services:
    description: The whole service list (to find the policies of the services it calls).
    type: list
    elements: dict
    required: true
  image:
    description: The service's image reference.
    type: str
    required: true
  endpoints:
    description: The load-balanced URL of every service, by name (services_endpoints).
    type: dict
    required: true
  sidecar_image:
    description: Image reference of the retry proxy.
    type: str
    required: true
  log_group:
    description: CloudWatch Logs group of the containers.
    type: str
    required: true
  region:
    description: AWS region of the log group.
    type: str
    required: true
  memory_mib:
    description: Memory reservation of the service's container.
    type: int
    default: 128
"""

EXAMPLES = r"""
containers: "{{ item | loadbearing.ecs.task_containers(ecs_services, services_images[item.name], services_endpoints,
  services_images['retry-proxy'], '/loadbearing/' ~ ecs_cluster_name, ecs_aws_region, services_task_memory_mib) }}"
"""

RETURN = r"""
_value:
  description: Container definitions as ECS RegisterTaskDefinition takes them.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import task_containers as _containers


def task_containers(service, services, image, endpoints, sidecar_image, log_group, region, memory_mib=128):
    try:
        return _containers(service, services, image, endpoints, sidecar_image, log_group, region, int(memory_mib))
    except (KeyError, ValueError) as exc:
        raise AnsibleFilterError("task_containers: service %s: %s" % (service.get("name"), exc))


class FilterModule(object):
    def filters(self):
        return {"task_containers": task_containers}
