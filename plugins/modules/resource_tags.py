#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: resource_tags
short_description: Keep tags on an ECS or ECR resource
version_added: 0.1.0
description:
  - Adds tags to an ECS resource (task definition, service, cluster...) or an ECR repository, by ARN.
  - Tags the resource has besides these are left alone.
  - Used where the module that makes the resource cannot tag it (M(community.aws.ecs_ecr),
    M(community.aws.ecs_taskdefinition)), so that terminate finds it by tag.
options:
  resource_arn:
    description: ARN of the resource.
    type: str
    required: true
  tags:
    description: Tags the resource must carry.
    type: dict
    required: true
    aliases: [resource_tags]
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
- name: Tag a repository with its cluster
  loadbearing.ecs.resource_tags:
    resource_arn: "{{ repository.repository.repositoryArn }}"
    tags:
      loadbearing:cluster: demo
"""

RETURN = r"""
tags:
  description: The resource's tags after the change.
  returned: always
  type: dict
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.tags import missing_tags
from ansible_collections.loadbearing.ecs.plugins.module_utils.tags import service_of
from ansible_collections.loadbearing.ecs.plugins.module_utils.tags import tags_to_dict
from ansible_collections.loadbearing.ecs.plugins.module_utils.tags import tags_to_list


def main():
    argument_spec = dict(
        resource_arn=dict(type="str", required=True),
        tags=dict(type="dict", required=True, aliases=["resource_tags"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    arn = module.params["resource_arn"]
    try:
        service = service_of(arn)
    except ValueError as e:
        module.fail_json(msg=str(e))
    client = module.client(service)
    wanted = dict((k, str(v)) for k, v in module.params["tags"].items())
    try:
        current = tags_to_dict(service, client.list_tags_for_resource(resourceArn=arn)["tags"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not read the tags of %s" % arn)
    missing = missing_tags(current, wanted)
    if missing and not module.check_mode:
        try:
            client.tag_resource(resourceArn=arn, tags=tags_to_list(service, missing))
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Could not tag %s" % arn)
    module.exit_json(changed=bool(missing), tags=dict(current, **missing))


if __name__ == "__main__":
    main()
