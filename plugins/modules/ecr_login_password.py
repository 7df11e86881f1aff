#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecr_login_password
short_description: A registry password for ECR, from the credentials of the host it runs on
version_added: 0.1.0
description:
  - Asks ECR for an authorization token (GetAuthorizationToken) and returns the password that
    C(podman login) or C(docker login) takes with the user name C(AWS), like
    C(aws ecr get-login-password).
  - On an EC2 instance it uses the instance role, so a build host needs no keys. The token is valid
    for 12 hours and allows what the identity's ECR permissions allow.
  - Reads only; nothing is changed.
options: {}
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
- name: Get a registry password from the instance role
  loadbearing.ecs.ecr_login_password:
    region: us-east-1
  register: ecr_login
  no_log: true

- name: Log podman in
  containers.podman.podman_login:
    registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
    username: AWS
    password: "{{ ecr_login.password }}"
"""

RETURN = r"""
password:
  description: The password for the user name C(AWS).
  returned: success
  type: str
registry:
  description: The registry's address (host name), as ECR names it.
  returned: success
  type: str
  sample: 123456789012.dkr.ecr.us-east-1.amazonaws.com
expires_at:
  description: When the password stops working (ISO 8601).
  returned: success
  type: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.loadbearing.ecs.plugins.module_utils.ecr_token import login_from_token


def main():
    module = AnsibleAWSModule(argument_spec={}, supports_check_mode=True)
    client = module.client("ecr")
    try:
        data = client.get_authorization_token()["authorizationData"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="ECR gave no authorization token (the identity needs ecr:GetAuthorizationToken)")
    try:
        login = login_from_token(data[0])
    except (IndexError, KeyError, ValueError) as e:
        module.fail_json(msg="ECR's authorization token is not as expected: %s" % e)
    module.exit_json(changed=False, **login)


if __name__ == "__main__":
    main()
