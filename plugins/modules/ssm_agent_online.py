#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ssm_agent_online
short_description: Waits until Session Manager can reach an EC2 instance
version_added: 0.2.0
description:
  - EC2 says C(running) before the instance's SSM agent has registered with Systems Manager. The
    agent starts after first boot (on Debian's images, after its own install from user data), and
    again after a stop and start. Until then StartSession fails with C(TargetNotConnected), and
    the C(amazon.aws.aws_ssm) connection gives up after a few quick retries.
  - Polls C(DescribeInstanceInformation) until every instance is C(Online), or until I(timeout).
  - An instance that does not come online in time is an answer (I(online=false)), not an error, so
    that the caller can replace it. An AWS error (denied, throttled) fails with AWS's message.
options:
  instance_ids:
    description: The instances to wait for.
    type: list
    elements: str
    required: true
  timeout:
    description: Seconds to wait for all of them.
    type: int
    default: 600
  delay:
    description: Seconds between two looks.
    type: int
    default: 5
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Reads only; in check mode it looks once and does not wait.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Wait until Session Manager reaches the build host
  loadbearing.ecs.ssm_agent_online:
    instance_ids: [i-0123456789abcdef0]
    timeout: 600
  register: agent

- name: Stop when it did not come online
  ansible.builtin.assert:
    that: agent.online
"""

RETURN = r"""
online:
  description: Whether every instance was C(Online) before the timeout.
  returned: success
  type: bool
  sample: true
ping_status:
  description: Each instance's last C(PingStatus), C(unregistered) when the agent never registered.
  returned: success
  type: dict
  sample: {i-0123456789abcdef0: Online}
waited_s:
  description: How long the module waited, in seconds.
  returned: success
  type: float
  sample: 42.5
"""

import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def ping_status(client, instance_ids):
    """PingStatus of each instance; an instance the agent never registered is not listed."""
    found = dict((instance_id, "unregistered") for instance_id in instance_ids)
    paginator = client.get_paginator("describe_instance_information")
    pages = paginator.paginate(Filters=[{"Key": "InstanceIds", "Values": list(instance_ids)}])
    for page in AWSRetry.jittered_backoff()(pages.build_full_result)()["InstanceInformationList"]:
        found[page["InstanceId"]] = page["PingStatus"]
    return found


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            instance_ids=dict(type="list", elements="str", required=True),
            timeout=dict(type="int", default=600),
            delay=dict(type="int", default=5),
        ),
        supports_check_mode=True,
    )
    client = module.client("ssm")
    instance_ids = module.params["instance_ids"]
    started = time.time()
    while True:
        try:
            status = ping_status(client, instance_ids)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Systems Manager did not say whether the agents are online "
                                        "(the identity needs ssm:DescribeInstanceInformation)")
        online = all(value == "Online" for value in status.values())
        waited = time.time() - started
        if online or module.check_mode or waited + module.params["delay"] > module.params["timeout"]:
            break
        time.sleep(module.params["delay"])
    module.exit_json(changed=False, online=online, ping_status=status, waited_s=round(waited, 1))


if __name__ == "__main__":
    main()
