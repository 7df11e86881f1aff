#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: iam_service_linked_role
short_description: Make sure an AWS service's service-linked role exists
version_added: 0.1.0
description:
  - Creates the service-linked role of an AWS service (for example ECS's AWSServiceRoleForECS)
    when the account does not have it yet; an existing one is left as it is.
  - The role is found by its path, C(/aws-service-role/SERVICE/), so its name need not be known.
  - Service-linked roles belong to the account, not to one deployment; nothing here deletes them.
options:
  aws_service_name:
    description: The service principal, for example C(ecs.amazonaws.com) or C(ecs.application-autoscaling.amazonaws.com).
    type: str
    required: true
  description:
    description: Description of the role, when it is created.
    type: str
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
- name: Let ECS manage Auto Scaling groups in this account
  loadbearing.ecs.iam_service_linked_role:
    aws_service_name: ecs.amazonaws.com
"""

RETURN = r"""
role_name:
  description: Name of the service-linked role (empty in check mode before it exists).
  returned: always
  type: str
role_arn:
  description: ARN of the service-linked role (empty in check mode before it exists).
  returned: always
  type: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def find(client, service):
    roles = []
    for page in client.get_paginator("list_roles").paginate(PathPrefix="/aws-service-role/%s/" % service):
        roles.extend(page["Roles"])
    return roles[0] if roles else None


def main():
    argument_spec = dict(
        aws_service_name=dict(type="str", required=True),
        description=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("iam")
    service = module.params["aws_service_name"]
    try:
        role = find(client, service)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not look for the service-linked role of %s" % service)
    if role is not None:
        module.exit_json(changed=False, role_name=role["RoleName"], role_arn=role["Arn"])
    if module.check_mode:
        module.exit_json(changed=True, role_name="", role_arn="")
    arguments = {"AWSServiceName": service}
    if module.params["description"]:
        arguments["Description"] = module.params["description"]
    try:
        role = client.create_service_linked_role(**arguments)["Role"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not create the service-linked role of %s" % service)
    module.exit_json(changed=True, role_name=role["RoleName"], role_arn=role["Arn"])


if __name__ == "__main__":
    main()
