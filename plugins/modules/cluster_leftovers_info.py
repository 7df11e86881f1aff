#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cluster_leftovers_info
short_description: What of a cluster is still in an AWS account and region
version_added: 0.2.0
description:
  - Looks for every kind of resource the stages make for a cluster, the way terminate finds
    them to delete them, and returns what is still there. Terminate ends with it.
  - Found by the tag C(loadbearing:cluster) wherever the API filters or lists tags (VPC and
    network, instances, launch templates, Auto Scaling groups, ECS clusters, capacity providers
    and task-definition revisions, ECR repositories, load balancers and target groups, the
    transfer bucket), else by the name the cluster gives (IAM's path
    C(/loadbearing/<cluster>/<region>/), the log group C(/loadbearing/<cluster>), the scalable
    targets C(service/<cluster>/*)).
  - Something on its way out is not left (an instance terminated, a NAT gateway deleted, an
    ECS cluster, capacity provider or revision INACTIVE). Other deletions can take a few seconds
    to show in every list, so with O(wait) it asks again, every 5 seconds, until nothing is left
    or the time is up. A throttled request is asked again the same way.
  - Reads only.
options:
  cluster:
    description: The cluster's name.
    type: str
    required: true
  wait:
    description: Seconds to keep asking while something is left.
    type: int
    default: 0
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
- name: Look for anything of the cluster still in the account
  loadbearing.ecs.cluster_leftovers_info:
    cluster: demo
    wait: 30
  register: left
"""

RETURN = r"""
leftovers:
  description: What is left, by kind; a kind with nothing left is not listed.
  returned: always
  type: dict
  sample: {"security_groups": ["sg-0a1b2c3d4e5f67890"], "iam_roles": ["demo-us-east-1-builder"]}
count:
  description: How many resources are left, of every kind.
  returned: always
  type: int
  sample: 2
"""

import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.loadbearing.ecs.plugins.module_utils.leftovers import leftovers

ASK_AGAIN_S = 5
THROTTLED = ["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"]


def main():
    argument_spec = dict(cluster=dict(type="str", required=True), wait=dict(type="int", default=0))
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    cluster = module.params["cluster"]
    deadline = time.time() + module.params["wait"]
    while True:
        try:
            found = leftovers(module.client, cluster, module.region)
        except is_boto3_error_code(THROTTLED) as e:
            if time.time() + ASK_AGAIN_S > deadline:
                module.fail_json_aws(e, msg="Could not look for what is left of the cluster %s" % cluster)
            found = None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Could not look for what is left of the cluster %s" % cluster)
        if found == {} or (found is not None and time.time() + ASK_AGAIN_S > deadline):
            break
        time.sleep(ASK_AGAIN_S)
    module.exit_json(changed=False, leftovers=found, count=sum(len(items) for items in found.values()))


if __name__ == "__main__":
    main()
