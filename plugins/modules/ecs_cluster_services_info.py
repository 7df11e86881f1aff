#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_cluster_services_info
short_description: The services of an ECS cluster, where a missing cluster is an answer and any other error fails
version_added: 0.2.0
description:
  - Describes the named services of a cluster, or every service of it (ListServices, then
    DescribeServices ten at a time).
  - A cluster that does not exist (ClusterNotFoundException) is an answer, C(cluster_found=false)
    with no services; a service that does not exist is left out. Any other error (credentials,
    permissions, throttling once botocore's retries are spent) fails the task with AWS's message,
    so a refused read never passes for "no services".
  - With O(wait_for), reads again every O(wait_delay) seconds until no service's deployment of its
    expected revision is in progress, or O(wait_timeout) has passed; what did not finish is
    returned (C(states), C(timed_out)), not failed, for the caller to explain.
options:
  cluster:
    description: Name or ARN of the cluster.
    type: str
    required: true
  services:
    description: Names of the services to describe; left out, every service of the cluster.
    type: list
    elements: str
  wait_for:
    description:
      - Expected task-definition revision ARN, by service name. A service is C(stable) when its
        PRIMARY deployment runs that revision COMPLETED at its desired count, C(failed) when that
        deployment failed or was rolled back, C(in_progress) otherwise.
    type: dict
  wait_timeout:
    description: Seconds to keep reading while a deployment of O(wait_for) is in progress.
    type: int
    default: 0
  wait_delay:
    description: Seconds between two reads while waiting.
    type: int
    default: 10
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Reads only.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Find every service of the cluster (none when the cluster does not exist)
  loadbearing.ecs.ecs_cluster_services_info:
    cluster: demo
  register: found

- name: Wait up to 15 minutes for the new revisions
  loadbearing.ecs.ecs_cluster_services_info:
    cluster: demo
    services: [backend, frontend]
    wait_for:
      backend: arn:aws:ecs:us-east-1:123456789012:task-definition/demo-backend:7
      frontend: arn:aws:ecs:us-east-1:123456789012:task-definition/demo-frontend:9
    wait_timeout: 900
  register: deployed
"""

RETURN = r"""
cluster_found:
  description: Whether the cluster exists.
  returned: always
  type: bool
services:
  description: The services as DescribeServices returns them (camelCase keys, times in ISO 8601).
  returned: always
  type: list
  elements: dict
states:
  description: C(stable), C(in_progress) or C(failed), by service name of O(wait_for).
  returned: when O(wait_for) is given
  type: dict
  sample: {"backend": "stable", "frontend": "in_progress"}
timed_out:
  description: Whether a deployment of O(wait_for) was still in progress after O(wait_timeout).
  returned: when O(wait_for) is given
  type: bool
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.aws_reads import cluster_services
from ansible_collections.loadbearing.ecs.plugins.module_utils.aws_reads import jsonable
from ansible_collections.loadbearing.ecs.plugins.module_utils.aws_reads import wait_for_deployments


def main():
    argument_spec = dict(
        cluster=dict(type="str", required=True),
        services=dict(type="list", elements="str"),
        wait_for=dict(type="dict"),
        wait_timeout=dict(type="int", default=0),
        wait_delay=dict(type="int", default=10),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ecs")
    params = module.params

    def read():
        return cluster_services(client, params["cluster"], params["services"])

    try:
        if params["wait_for"] is None:
            found, services = read()
            module.exit_json(changed=False, cluster_found=found, services=jsonable(services))
        found, services, states, timed_out = wait_for_deployments(
            read, params["wait_for"], params["wait_timeout"], params["wait_delay"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not read the services of cluster %s" % params["cluster"])
    module.exit_json(changed=False, cluster_found=found, services=jsonable(services), states=states, timed_out=timed_out)


if __name__ == "__main__":
    main()
