# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: aws_discovery
short_description: What exists of a cluster on AWS
version_added: 0.2.0
description:
  - Turns the answers of the discovery role's AWS lookups into what it publishes as
    C(discovery_found), that is the network, IAM roles and profiles, the registry and the images
    found by content tag, the load balancers and target groups tagged with the cluster, and the
    services.
positional: services, cluster, region, supplied
options:
  _input:
    description:
      - The registered results, by name, of the lookups C(vpcs), C(subnets), C(groups), C(roles),
        C(profiles), C(ecr), C(albs), C(target_groups) and C(services).
    type: dict
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
  region:
    description: The region.
    type: str
    required: true
  supplied:
    description: Images a user supplies, by service.
    type: dict
    default: {}
"""

EXAMPLES = r"""
discovered: "{{ answers | loadbearing.ecs.aws_discovery(ecs_services, ecs_cluster_name, ecs_aws_region, ecs_images) }}"
"""

RETURN = r"""
_value:
  description: C(platform), C(account), C(network), C(iam), C(registry), C(images), C(images_missing), C(loadbalancer), C(services).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.discovery import aws_state


def _aws_discovery(answers, services, cluster, region, supplied=None):
    try:
        return aws_state(answers, services, cluster, region, supplied)
    except (KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise AnsibleFilterError("cannot read what exists: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"aws_discovery": _aws_discovery}
