#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: tagged_resources_info
short_description: Find ECR repositories or ECS task-definition revisions by their tags
version_added: 0.1.0
description:
  - ECR's DescribeRepositories and ECS's ListTaskDefinitions take no tag filter; this lists the
    resources of one kind and keeps those that carry every given tag.
  - For task definitions every ACTIVE revision is listed, not only the latest of each family.
options:
  kind:
    description: What to look for.
    type: str
    required: true
    choices: [ecr_repository, ecs_task_definition]
  tags:
    description: Tags a resource must carry to be returned.
    type: dict
    required: true
    aliases: [resource_tags]
  family_prefix:
    description: With O(kind=ecs_task_definition), only the revisions of families whose name starts with this.
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
- name: Find the cluster's repositories
  loadbearing.ecs.tagged_resources_info:
    kind: ecr_repository
    tags:
      loadbearing:cluster: demo
  register: repositories
"""

RETURN = r"""
resources:
  description: The resources found.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: ARN of the resource.
      type: str
    name:
      description: Repository name, or task definition C(family:revision).
      type: str
    tags:
      description: Tags of the resource.
      type: dict
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.tags import carries
from ansible_collections.loadbearing.ecs.plugins.module_utils.tags import tags_to_dict


def repositories(client):
    for page in client.get_paginator("describe_repositories").paginate():
        for repository in page["repositories"]:
            yield repository["repositoryArn"], repository["repositoryName"]


def task_definitions(client, family_prefix):
    # ListTaskDefinitions' familyPrefix is a whole family name; ListTaskDefinitionFamilies' is a prefix.
    families = [None]
    if family_prefix:
        families = []
        for page in client.get_paginator("list_task_definition_families").paginate(familyPrefix=family_prefix,
                                                                                   status="ACTIVE"):
            families.extend(page["families"])
    for family in families:
        arguments = {"status": "ACTIVE"}
        if family:
            arguments["familyPrefix"] = family
        for page in client.get_paginator("list_task_definitions").paginate(**arguments):
            for arn in page["taskDefinitionArns"]:
                yield arn, arn.split("/")[-1]


def main():
    argument_spec = dict(
        kind=dict(type="str", required=True, choices=["ecr_repository", "ecs_task_definition"]),
        tags=dict(type="dict", required=True, aliases=["resource_tags"]),
        family_prefix=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    service = "ecr" if module.params["kind"] == "ecr_repository" else "ecs"
    client = module.client(service)
    wanted = dict((k, str(v)) for k, v in module.params["tags"].items())
    found = []
    try:
        listed = repositories(client) if service == "ecr" else task_definitions(client, module.params["family_prefix"])
        for arn, name in listed:
            tags = tags_to_dict(service, client.list_tags_for_resource(resourceArn=arn).get("tags"))
            if carries(tags, wanted):
                found.append({"arn": arn, "name": name, "tags": tags})
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not list the %s resources" % module.params["kind"])
    module.exit_json(changed=False, resources=found)


if __name__ == "__main__":
    main()
