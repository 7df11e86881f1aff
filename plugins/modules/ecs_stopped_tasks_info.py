#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_stopped_tasks_info
short_description: The stopped tasks of an ECS service, with why they stopped
version_added: 0.1.0
description:
  - Lists a service's tasks with desired status STOPPED (ECS keeps them for a while) and
    describes them, for their C(stoppedReason).
  - Only tasks of the service's group (C(service:NAME)) are returned.
options:
  cluster:
    description: Name of the cluster.
    type: str
    required: true
  service:
    description: Name of the service.
    type: str
    required: true
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
- name: Why did the frontend's tasks stop?
  loadbearing.ecs.ecs_stopped_tasks_info:
    cluster: demo
    service: frontend
  register: stopped
"""

RETURN = r"""
tasks:
  description: The stopped tasks, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    task_arn:
      description: ARN of the task.
      type: str
    task_definition_arn:
      description: The task definition revision it ran.
      type: str
    stopped_reason:
      description: Why ECS stopped it.
      type: str
reasons:
  description: The distinct stop reasons.
  returned: always
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def main():
    argument_spec = dict(
        cluster=dict(type="str", required=True),
        service=dict(type="str", required=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ecs")
    cluster, service = module.params["cluster"], module.params["service"]
    try:
        arns = []
        paginator = client.get_paginator("list_tasks")
        for page in paginator.paginate(cluster=cluster, serviceName=service, desiredStatus="STOPPED"):
            arns.extend(page["taskArns"])
        described = []
        # DescribeTasks takes at most 100 tasks at a time.
        for start in range(0, len(arns), 100):
            described.extend(client.describe_tasks(cluster=cluster, tasks=arns[start:start + 100])["tasks"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not list the stopped tasks of %s" % service)
    tasks = [{"task_arn": t["taskArn"], "task_definition_arn": t.get("taskDefinitionArn", ""),
              "stopped_reason": t.get("stoppedReason", "")}
             for t in described if t.get("group") == "service:%s" % service]
    reasons = []
    for task in tasks:
        if task["stopped_reason"] and task["stopped_reason"] not in reasons:
            reasons.append(task["stopped_reason"])
    module.exit_json(changed=False, tasks=tasks, reasons=reasons)


if __name__ == "__main__":
    main()
