#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecr_image_info
short_description: Whether ECR repositories exist and hold images with given tags
version_added: 0.2.0
description:
  - Looks up each O(images) entry, a repository and a tag, in the account's ECR registry, and
    returns the registry's host name.
  - A repository or tag that does not exist is reported as absent; any other error (credentials,
    permissions, throttling after retries) fails the task with AWS's message, so that it never
    reads as "not there yet".
options:
  images:
    description: The images to look for.
    type: list
    elements: dict
    required: true
    suboptions:
      repository:
        description: The repository name, for example C(demo/backend).
        type: str
        required: true
      tag:
        description: The image tag; leave it out to ask only whether the repository exists.
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
- name: Look for the images of the cluster by their content tags
  loadbearing.ecs.ecr_image_info:
    images:
      - repository: demo/backend
        tag: 3f1c9a0b2d4e5f60
      - repository: demo/frontend
        tag: 0a1b2c3d4e5f6071
  register: found
"""

RETURN = r"""
registry:
  description: The host name of the account's registry in the region (from the authorization endpoint).
  returned: always
  type: str
  sample: 123456789012.dkr.ecr.us-east-1.amazonaws.com
images:
  description: One entry per O(images) entry, in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    repository:
      description: The repository name.
      type: str
      sample: demo/backend
    tag:
      description: The tag looked for.
      type: str
      sample: 3f1c9a0b2d4e5f60
    repository_exists:
      description: Whether the repository exists.
      type: bool
      sample: true
    image_exists:
      description: Whether an image with the tag exists in it.
      type: bool
      sample: false
    uri:
      description: C(registry/repository:tag).
      type: str
      sample: 123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/backend:3f1c9a0b2d4e5f60
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.six.moves.urllib.parse import urlparse

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def registry_host(client, module):
    try:
        data = client.get_authorization_token(aws_retry=True)["authorizationData"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not find the account's ECR registry")
    return urlparse(data[0]["proxyEndpoint"]).netloc


def look_up(client, module, repository, tag):
    """(repository exists, image exists); absent things are answers, other errors fail."""
    try:
        if tag:
            client.describe_images(aws_retry=True, repositoryName=repository, imageIds=[{"imageTag": tag}])
        else:
            client.describe_repositories(aws_retry=True, repositoryNames=[repository])
        return True, bool(tag)
    except is_boto3_error_code("RepositoryNotFoundException"):
        return False, False
    except is_boto3_error_code("ImageNotFoundException"):
        return True, False
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Could not look up %s:%s in ECR" % (repository, tag))


def main():
    argument_spec = dict(
        images=dict(type="list", elements="dict", required=True, options=dict(
            repository=dict(type="str", required=True),
            tag=dict(type="str"),
        )),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    registry = registry_host(client, module)
    images = []
    for wanted in module.params["images"]:
        repository_exists, image_exists = look_up(client, module, wanted["repository"], wanted["tag"])
        images.append(dict(
            repository=wanted["repository"],
            tag=wanted["tag"],
            repository_exists=repository_exists,
            image_exists=image_exists,
            uri="%s/%s%s" % (registry, wanted["repository"], ":" + wanted["tag"] if wanted["tag"] else ""),
        ))
    module.exit_json(changed=False, registry=registry, images=images)


if __name__ == "__main__":
    main()
