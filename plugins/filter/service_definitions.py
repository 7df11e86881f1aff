# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: service_definitions
short_description: What the local service controller runs for each service of the list
version_added: 0.1.0
description:
  - One definition per service, in list order - its image, environment (endpoints resolved to
    URLs), first port, counts, target, cooldowns, deployment configuration and health check,
    and a C(revision) that changes when what its copies run changes.
  - The services role writes them to the controller's desired.json; a new revision rolls out.
positional: port_base, images, endpoints, stop_timeout_s, health_check_grace_s
options:
  _input:
    description: The service list, checked by preflight.
    type: list
    elements: dict
    required: true
  port_base:
    description: First host port of the cluster's copies.
    type: int
    required: true
  images:
    description: Image reference of each service (discovery's images).
    type: dict
    required: true
  endpoints:
    description: Load-balanced URL of each service (discovery's loadbalancer.endpoints).
    type: dict
    required: true
  stop_timeout_s:
    description: Seconds a copy gets to exit on SIGTERM.
    type: int
    default: 5
  health_check_grace_s:
    description: Seconds a new copy gets before its health checks count.
    type: int
    default: 0
"""

EXAMPLES = r"""
desired: "{{ ecs_services | loadbearing.ecs.service_definitions(20000, images, endpoints) }}"
"""

RETURN = r"""
_value:
  description: One definition per service.
  type: list
  elements: dict
  sample:
    - name: backend
      revision: 3f2a9c0d11e4
      image: 127.0.0.1:5050/demo/backend:b08ca3d0c0254cbf
      environment: {}
      first_port: 20000
      desired_count: 2
      min_count: 2
      max_count: 2
      target: null
      deployment: {minimum_healthy_percent: 100, maximum_percent: 200}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.scaling import definitions


def _service_definitions(services, port_base, images, endpoints, stop_timeout_s=5, health_check_grace_s=0):
    try:
        return definitions(services, port_base, images, endpoints, stop_timeout_s, health_check_grace_s)
    except KeyError as exc:
        raise AnsibleFilterError("no image or endpoint for %s: run artifacts first, or give it in ecs_images" % exc)
    except (ValueError, TypeError) as exc:
        raise AnsibleFilterError("malformed service list: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"service_definitions": _service_definitions}
