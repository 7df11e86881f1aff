#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_stopped_tasks_info
short_description: The stopped tasks of ECS services, why they stopped, and how many since a moment
version_added: 0.1.0
description:
  - ECS replaces a stopped task (a crash, a failed health check) with a new one and keeps no count
    of it, but it lists the stopped tasks for a while (about an hour), with their C(stoppedReason)
    and C(stoppedAt). This lists and describes them for each service, once.
  - Gives each service's distinct stop reasons (why a deployment failed) and, with O(since), how
    many of its tasks stopped at or after that moment (its restarts during a run).
  - Only tasks of the service's group (C(service:NAME)) count.
options:
  cluster:
    description: Name of the ECS cluster.
    type: str
    required: true
  services:
    description: Names of the services.
    type: list
    elements: str
    required: true
  since:
    description:
      - ISO 8601 time (UTC when it names no zone); tasks that stopped before it are not counted in
        RV(stops). Left out, every listed stopped task counts.
    type: str
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
- name: Why did the frontend's tasks stop?
  loadbearing.ecs.ecs_stopped_tasks_info:
    cluster: demo
    services: [frontend]
  register: stopped

- name: Count the restarts of the services during a run
  loadbearing.ecs.ecs_stopped_tasks_info:
    cluster: demo
    services: [backend, frontend]
    since: "2026-11-29T05:00:00Z"
"""

RETURN = r"""
stops:
  description: Number of stopped tasks of each service (since O(since), when given).
  returned: always
  type: dict
  sample: {"backend": 0, "frontend": 3}
reasons:
  description: The distinct stop reasons of each service's stopped tasks, newest first.
  returned: always
  type: dict
  sample: {"frontend": ["Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:...)"]}
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.loadbearing.ecs.plugins.module_utils.task_stops import stop_reasons, stops_since

DESCRIBE_BATCH = 100


def stopped_tasks(client, cluster, service):
    arns = []
    for page in client.get_paginator("list_tasks").paginate(cluster=cluster, serviceName=service, desiredStatus="STOPPED"):
        arns.extend(page["taskArns"])
    tasks = []
    for start in range(0, len(arns), DESCRIBE_BATCH):
        tasks.extend(client.describe_tasks(cluster=cluster, tasks=arns[start:start + DESCRIBE_BATCH])["tasks"])
    return tasks


def main():
    argument_spec = dict(
        cluster=dict(type="str", required=True),
        services=dict(type="list", elements="str", required=True),
        since=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ecs")
    params = module.params
    stops, reasons = {}, {}
    for service in params["services"]:
        try:
            tasks = stopped_tasks(client, params["cluster"], service)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Could not list the stopped tasks of %s" % service)
        try:
            stops[service] = stops_since(tasks, service, params["since"])
        except ValueError as e:
            module.fail_json(msg="since is not an ISO 8601 time: %s" % e)
        reasons[service] = stop_reasons(tasks, service)
    module.exit_json(changed=False, stops=stops, reasons=reasons)


if __name__ == "__main__":
    main()
