#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_fault_injector
short_description: Stop random ECS tasks and redeploy a service while a benchmark runs
version_added: 0.1.0
description:
  - Stops a random running task of a service (StopTask) every C(kill_every_s) (in O(plan)) seconds, and
    redeploys a service once (UpdateService with forceNewDeployment) at
    C(restart_once_at_s) (in O(plan)), until O(stop_file) exists or O(max_duration_s) have passed.
  - The ECS service scheduler replaces every stopped task, as it would a crashed one.
  - Samples the running tasks of every service in O(services) each O(sample_every_s).
  - Run it with C(async) and C(poll=0) beside the benchmark, then create O(stop_file) and wait
    for its result with M(ansible.builtin.async_status).
options:
  cluster:
    description: Name or ARN of the ECS cluster.
    type: str
    required: true
extends_documentation_fragment:
  - loadbearing.ecs.fault_runner
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: In check mode the plan is checked and nothing is injected.
notes:
  - Returns C(changed=false), since the service scheduler restores every task it stops.
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Stop a frontend task every 10 seconds, in the background
  loadbearing.ecs.ecs_fault_injector:
    cluster: demo
    services: [backend, frontend]
    plan:
      - service: frontend
        kill_every_s: 10
    stop_file: /tmp/demo-faults.stop
  async: 900
  poll: 0
  register: faults_job
"""

RETURN = r"""
started_at:
  description: Epoch seconds at which the module started.
  returned: success
  type: float
stopped_at:
  description: Epoch seconds at which it stopped.
  returned: success
  type: float
events:
  description: The faults injected, in order, each with C(time), C(service), C(kind) (C(kill) or C(restart)),
    C(target) (the stopped task's ARN, or the service) and C(result).
  returned: success
  type: list
  elements: dict
samples:
  description: The running tasks of each service, sampled each O(sample_every_s).
  returned: success
  type: list
  elements: dict
  sample: [{"time": 1795926230.5, "copies": {"backend": 2, "frontend": 10}}]
"""

import os
import random
import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.faults import RUNNER_OPTIONS, run_module_plan

STOP_REASON = "loadbearing.ecs fault injection"


class EcsTasks(object):
    """The running tasks of an ECS cluster's services, and the two ways to hurt them."""

    def __init__(self, client, cluster, services):
        self.client = client
        self.cluster = cluster
        self.services = services

    def running_copies(self):
        copies = {}
        paginator = self.client.get_paginator("list_tasks")
        for service in self.services:
            pages = paginator.paginate(cluster=self.cluster, serviceName=service, desiredStatus="RUNNING")
            copies[service] = [arn for page in pages for arn in page["taskArns"]]
        return copies

    def kill(self, task_arn):
        self.client.stop_task(cluster=self.cluster, task=task_arn, reason=STOP_REASON)

    def restart(self, service):
        self.client.update_service(cluster=self.cluster, service=service, forceNewDeployment=True)


def main():
    argument_spec = dict(cluster=dict(type="str", required=True), **RUNNER_OPTIONS)
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    platform = EcsTasks(module.client("ecs"), module.params["cluster"], module.params["services"])
    try:
        run_module_plan(module, platform, os.path.exists, time.time, time.sleep, random.Random(module.params["seed"]))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not sample the tasks of cluster %s" % module.params["cluster"])


if __name__ == "__main__":
    main()
