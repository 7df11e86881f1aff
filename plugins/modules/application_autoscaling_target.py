#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: application_autoscaling_target
short_description: Deregister an Application Auto Scaling scalable target
version_added: 0.1.0
description:
  - Deregisters a scalable target, such as an ECS service's desired count.
  - M(community.aws.application_autoscaling_policy) registers the target with its policy but leaves
    it behind when the policy is deleted; this removes it.
options:
  service_namespace:
    description: Namespace of the scalable resource.
    type: str
    default: ecs
  resource_id:
    description: The scalable resource, for example C(service/CLUSTER/SERVICE).
    type: str
    required: true
  scalable_dimension:
    description: The dimension that scales.
    type: str
    default: ecs:service:DesiredCount
  state:
    description: Only C(absent) is supported; registering goes with the scaling policy.
    type: str
    choices: [absent]
    default: absent
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
- name: Stop scaling the frontend service
  loadbearing.ecs.application_autoscaling_target:
    resource_id: service/demo/frontend
    state: absent
"""

RETURN = r"""
resource_id:
  description: The resource whose scalable target was looked for.
  returned: always
  type: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def main():
    argument_spec = dict(
        service_namespace=dict(type="str", default="ecs"),
        resource_id=dict(type="str", required=True),
        scalable_dimension=dict(type="str", default="ecs:service:DesiredCount"),
        state=dict(type="str", choices=["absent"], default="absent"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("application-autoscaling")
    params = module.params
    try:
        found = client.describe_scalable_targets(ServiceNamespace=params["service_namespace"],
                                                 ResourceIds=[params["resource_id"]],
                                                 ScalableDimension=params["scalable_dimension"])["ScalableTargets"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not describe the scalable target of %s" % params["resource_id"])
    if not found:
        module.exit_json(changed=False, resource_id=params["resource_id"])
    if not module.check_mode:
        try:
            client.deregister_scalable_target(ServiceNamespace=params["service_namespace"],
                                              ResourceId=params["resource_id"],
                                              ScalableDimension=params["scalable_dimension"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Could not deregister the scalable target of %s" % params["resource_id"])
    module.exit_json(changed=True, resource_id=params["resource_id"])


if __name__ == "__main__":
    main()
