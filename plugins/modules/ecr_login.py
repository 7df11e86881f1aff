#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecr_login
short_description: Log podman in to ECR from the host's own AWS credentials, with no secret leaving the module
version_added: 0.2.0
description:
  - Asks ECR for an authorization token (GetAuthorizationToken) with the credentials of the host it
    runs on (on EC2, the instance role), checks it against the registry the way C(podman login)
    does, and stores it in podman's credentials file.
  - The password is never on a command line, in the module's result or in Ansible's output.
    C(podman login --password) would put it in the process list, and a module that returned it
    would send it back through the connection.
  - Credentials already stored for the registry that the registry still accepts are kept, so a
    second run reports no change. ECR's tokens last 12 hours.
  - Run it as the user that runs podman (root, with C(become), for rootful podman).
options:
  auth_file:
    description:
      - Podman's credentials file.
      - By default the one podman reads first, as containers-auth.json(5) says
        (C($REGISTRY_AUTH_FILE), else C($XDG_RUNTIME_DIR/containers/auth.json), else
        C(/run/containers/<uid>/auth.json)).
    type: path
  ca_path:
    description:
      - A PEM bundle of certificate authorities to trust for the registry, in addition to the
        system's (for example behind a TLS-inspecting proxy).
    type: path
  timeout:
    description: Seconds to wait for the registry's answer.
    type: int
    default: 30
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Asks ECR and checks the stored credentials; writes nothing.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Log podman in to the account's registry, from the instance role
  loadbearing.ecs.ecr_login:
    region: us-east-1
  become: true

- name: Push with the stored login
  containers.podman.podman_image:
    name: 123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/backend:0123456789abcdef
    push: true
  become: true
"""

RETURN = r"""
registry:
  description: The registry's address (host name), as ECR names it.
  returned: success
  type: str
  sample: 123456789012.dkr.ecr.us-east-1.amazonaws.com
auth_file:
  description: The credentials file the login is stored in.
  returned: success
  type: str
  sample: /run/containers/0/auth.json
expires_at:
  description: When a newly stored password stops working (ISO 8601); null when the stored one was kept.
  returned: success
  type: str
  sample: "2026-12-08T13:00:00+00:00"
"""

import os
import tempfile

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.urls import fetch_url

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.loadbearing.ecs.plugins.module_utils.ecr_token import login_from_token
from ansible_collections.loadbearing.ecs.plugins.module_utils.registry_auth import (
    default_auth_file,
    read_auths,
    render,
    stored_auth,
    with_auth,
)


def registry_answer(module, registry, auth):
    """The registry's HTTP status for these credentials at /v2/, as `podman login` checks them,
    and a message when it could not be asked."""
    response, info = fetch_url(module, "https://%s/v2/" % registry, method="GET",
                               headers={"Authorization": "Basic %s" % auth}, use_netrc=False,
                               timeout=module.params["timeout"], ca_path=module.params["ca_path"])
    if response is not None:
        response.close()
    return info.get("status", -1), info.get("msg", "")


def fresh_token(module):
    """The registry, the token as podman stores it (base64 of "AWS:<password>") and its expiry."""
    try:
        data = module.client("ecr").get_authorization_token()["authorizationData"][0]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="ECR gave no authorization token (the host's identity needs ecr:GetAuthorizationToken)")
    try:
        login = login_from_token(data)
    except (IndexError, KeyError, ValueError) as e:
        module.fail_json(msg="ECR's authorization token is not as expected: %s" % to_native(e))
    return login["registry"], data["authorizationToken"], login["expires_at"]


def store(module, path, document):
    """Write the whole file next to itself, readable by its owner only, then rename it over the
    old one: podman never reads half a file, and the secret is never in a file others can read
    (module.atomic_move would give a new file the umask's mode)."""
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o700)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".auth-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(render(document))
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def main():
    argument_spec = dict(
        auth_file=dict(type="path"),
        ca_path=dict(type="path"),
        timeout=dict(type="int", default=30),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    path = module.params["auth_file"] or default_auth_file()
    registry, token, expires_at = fresh_token(module)
    result = dict(changed=False, registry=registry, auth_file=path, expires_at=None)
    try:
        document = read_auths(path)
    except (IOError, OSError, ValueError) as e:
        module.fail_json(msg="Cannot read podman's credentials file: %s. Fix or remove it, then run again." % to_native(e), **result)

    stored = stored_auth(document, registry)
    if stored and registry_answer(module, registry, stored)[0] == 200:
        module.exit_json(**result)

    status, message = registry_answer(module, registry, token)
    if status == -1:
        module.fail_json(msg="Cannot reach the registry %s to check the login: %s. The host needs a route to ECR "
                             "(a NAT gateway or an ECR interface endpoint) and DNS for its name." % (registry, message),
                         **result)
    if status != 200:
        module.fail_json(msg="The registry %s refused ECR's own token (HTTP %s). The host's identity needs ECR's "
                             "pull and push permissions." % (registry, status), **result)
    result.update(changed=True, expires_at=expires_at)
    if not module.check_mode:
        try:
            store(module, path, with_auth(document, registry, token))
        except (IOError, OSError) as e:
            module.fail_json(msg="Cannot write podman's credentials file %s: %s" % (path, to_native(e)), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
