#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: autoscaling_activities_info
short_description: The recent scaling activities of an Auto Scaling group, with why they failed
version_added: 0.2.0
description:
  - Reads the group's latest scaling activities (DescribeScalingActivities), newest first, and the
    group's desired capacity and instances.
  - A launch the group could not make (an account's vCPU quota, a missing subnet or security
    group, an instance type the zone lacks) is an activity with status code C(Failed) whose
    status message is EC2's reason; this is where it can be read.
  - A group that does not exist is an answer (C(group_found=false)); any other error fails with
    AWS's message.
options:
  name:
    description: Name of the Auto Scaling group.
    type: str
    required: true
  max_records:
    description: How many of the latest activities to return.
    type: int
    default: 5
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
- name: Why do the container hosts not start?
  loadbearing.ecs.autoscaling_activities_info:
    name: demo-hosts
  register: hosts
"""

RETURN = r"""
group_found:
  description: Whether the group exists.
  returned: always
  type: bool
desired_capacity:
  description: The group's desired capacity.
  returned: when the group exists
  type: int
instances:
  description: How many instances the group has, in any lifecycle state.
  returned: when the group exists
  type: int
activities:
  description: The latest activities as Auto Scaling describes them (snake_case keys), newest first.
  returned: always
  type: list
  elements: dict
  contains:
    status_code:
      description: C(Successful), C(Failed), C(InProgress) and so on.
      type: str
    status_message:
      description: Why the activity is in that state (EC2's message for a failed launch).
      type: str
    description:
      description: What the activity did.
      type: str
    cause:
      description: What started it.
      type: str
summaries:
  description: One line per activity, newest first; when, the status, what happened and why.
  returned: always
  type: list
  elements: str
  sample:
    - "2026-12-07T21:00:00+00:00 Failed: Launching a new EC2 instance.  Status Reason: You have requested more vCPU
      capacity than your current vCPU limit of 0 allows ... Launching EC2 instance failed."
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.aws_reads import activity_summaries
from ansible_collections.loadbearing.ecs.plugins.module_utils.aws_reads import jsonable


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        max_records=dict(type="int", default=5),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("autoscaling")
    name = module.params["name"]
    try:
        groups = client.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
        if not groups:
            module.exit_json(changed=False, group_found=False, activities=[], summaries=[])
        activities = client.describe_scaling_activities(AutoScalingGroupName=name,
                                                        MaxRecords=module.params["max_records"])["Activities"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not read the scaling activities of %s" % name)
    module.exit_json(changed=False, group_found=True, desired_capacity=groups[0]["DesiredCapacity"],
                     instances=len(groups[0].get("Instances", [])),
                     activities=[camel_dict_to_snake_dict(a) for a in jsonable(activities)],
                     summaries=activity_summaries(activities))


if __name__ == "__main__":
    main()
