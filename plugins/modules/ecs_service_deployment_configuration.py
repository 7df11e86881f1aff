#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_service_deployment_configuration
short_description: The deployment configuration of an existing ECS service
version_added: 0.2.0
description:
  - Sets how a new revision replaces an ECS service's tasks (minimum healthy and maximum percent)
    and its deployment circuit breaker, when they differ from what the service has.
  - M(community.aws.ecs_service) sets them when it creates a service but does not compare them on
    a re-run, so a changed configuration alone never reaches a service that exists.
  - Calls UpdateService with the deployment configuration only, which starts no new deployment.
options:
  cluster:
    description: The ECS cluster of the service.
    type: str
    required: true
  service:
    description: The service's name.
    type: str
    required: true
  minimum_healthy_percent:
    description: Tasks, as a share of the desired count, that keep running during a deployment.
    type: int
    default: 100
  maximum_percent:
    description: Tasks, as a share of the desired count, that may run during a deployment.
    type: int
    default: 200
  circuit_breaker:
    description: Whether a deployment whose tasks do not reach a steady state fails.
    type: bool
    default: true
  rollback:
    description: Whether a failed deployment rolls the service back to the last one that completed.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Roll out one task at a time, rolled back when it fails
  loadbearing.ecs.ecs_service_deployment_configuration:
    cluster: demo
    service: frontend
    minimum_healthy_percent: 90
    maximum_percent: 110
"""

RETURN = r"""
deployment_configuration:
  description: The deployment configuration the service has now (in check mode, would have).
  returned: always
  type: dict
  sample: {"minimumHealthyPercent": 100, "maximumPercent": 200,
           "deploymentCircuitBreaker": {"enable": true, "rollback": true}}
differences:
  description: What changed, one line per field.
  returned: always
  type: list
  elements: str
  sample: ["maximumPercent: 200 -> 150"]
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.deployments import (
    DEFAULT_MAXIMUM_PERCENT, DEFAULT_MINIMUM_HEALTHY_PERCENT, configuration_differences, deployment_configuration)


def main():
    argument_spec = dict(
        cluster=dict(type="str", required=True),
        service=dict(type="str", required=True),
        minimum_healthy_percent=dict(type="int", default=DEFAULT_MINIMUM_HEALTHY_PERCENT),
        maximum_percent=dict(type="int", default=DEFAULT_MAXIMUM_PERCENT),
        circuit_breaker=dict(type="bool", default=True),
        rollback=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    try:
        wanted = deployment_configuration(params["minimum_healthy_percent"], params["maximum_percent"],
                                          params["circuit_breaker"], params["rollback"])
    except ValueError as exc:
        module.fail_json(msg="Bad deployment configuration for service %s: %s" % (params["service"], exc))
    client = module.client("ecs")
    try:
        described = client.describe_services(cluster=params["cluster"], services=[params["service"]])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not describe service %s of cluster %s" % (params["service"], params["cluster"]))
    active = [s for s in described.get("services") or [] if s.get("status") == "ACTIVE"]
    if not active:
        module.fail_json(msg="Service %s of cluster %s does not exist: create it first (community.aws.ecs_service)"
                         % (params["service"], params["cluster"]))
    current = active[0].get("deploymentConfiguration") or {}
    differences = configuration_differences(current, wanted)
    if not differences:
        module.exit_json(changed=False, deployment_configuration=current, differences=[])
    if not module.check_mode:
        try:
            client.update_service(cluster=params["cluster"], service=params["service"], deploymentConfiguration=wanted)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Could not update the deployment configuration of service %s" % params["service"])
    module.exit_json(changed=True, deployment_configuration=dict(current, **wanted), differences=differences)


if __name__ == "__main__":
    main()
