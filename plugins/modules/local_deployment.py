#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: local_deployment
short_description: Deploy the services on the local platform through its service controller, and wait
version_added: 0.2.0
description:
  - The local platform's copies are the service controller's, as ECS's are its scheduler's. This
    module tells the controller what each service runs and waits, as ECS's deployments are waited
    for, until every service's deployment is in service or was rolled back.
  - Renders each service's definition from the plan (image, environment with the endpoints, port
    slots, bounds, target tracking, deployment configuration, health check) into the controller's
    C(desired.json), installs the controller's program files, and starts the controller when it
    does not run or runs another version of the program. Each file is replaced whole (written
    beside it, then renamed), and only when it differs.
  - Fails when a deployment failed (the controller rolled it back) or did not finish within
    O(timeout_s), with the controller's reason and the copy's last log lines.
  - In check mode it reports what would change and does not wait.
options:
  cluster:
    description: The cluster name.
    type: str
    required: true
  services:
    description: The plan's services (C(ecs_plan.services)), each with C(first_port).
    type: list
    elements: dict
    required: true
  images:
    description: The image reference of each service (discovery's C(images)).
    type: dict
    required: true
  endpoints:
    description: The load-balanced URL of each service, which the services' C(endpoints) name.
    type: dict
    required: true
  health_check_grace_s:
    description: Seconds after a copy starts during which failed health checks do not count.
    type: int
    default: 0
  controller_dir:
    description: The controller's directory (program, desired state, status, decisions).
    type: path
    required: true
  program_files:
    description: The controller's program files, installed in O(controller_dir); their digest is its version.
    type: list
    elements: path
    required: true
  controller_name:
    description: The controller's container.
    type: str
    required: true
  controller_command:
    description: The command that starts the controller's container, up to its labels (C(podman run ...)).
    type: list
    elements: str
    required: true
  controller_program:
    description: What the controller's container runs (after the program's version label).
    type: list
    elements: str
    required: true
  program_label:
    description: The label that carries the program's version on the controller's container.
    type: str
    required: true
  timeout_s:
    description: How long to wait for the deployments.
    type: int
    default: 300
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Deploy the services and wait for their deployments
  loadbearing.ecs.local_deployment:
    cluster: demo
    services: "{{ ecs_plan.services }}"
    images: "{{ discovery_found.images }}"
    endpoints: "{{ discovery_found.loadbalancer.endpoints }}"
    controller_dir: /var/lib/loadbearing-ecs/demo/controller
    program_files: [service_controller.py, scaling.py, service_defaults.py, naming.py]
    controller_name: demo-controller
    controller_command: [podman, run, --detach, --replace, --name, demo-controller]
    controller_program: [--rootfs, "/:O", python3, /var/lib/loadbearing-ecs/demo/controller/service_controller.py, run]
    program_label: loadbearing.ecs.controller.program
"""

RETURN = r"""
definitions:
  description: What the controller runs for each service, as written to C(desired.json).
  returned: always
  type: list
  elements: dict
  sample: [{name: frontend, revision: 3f1c0a9e2b7d, desired_count: 10, min_count: 10, max_count: 20}]
outcomes:
  description: Where each service's deployment stands (C(COMPLETED), C(FAILED) or C(IN_PROGRESS)), with a message.
  returned: when waited for
  type: list
  elements: dict
  sample: [{service: frontend, state: COMPLETED, message: "frontend: revision 3f1c0a9e2b7d is in service"}]
"""

import hashlib
import json
import os
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.deployments import local_outcomes
from ansible_collections.loadbearing.ecs.plugins.module_utils.scaling import definitions

POLL_S = 1.0


def replace_file(path, content, check_mode):
    """Write content to path, whole, when it differs; True when it did (or would)."""
    try:
        with open(path, "rb") as handle:
            if handle.read() == content:
                return False
    except (IOError, OSError):
        pass
    if not check_mode:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".%s." % os.path.basename(path))
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    return True


def read_status(path):
    """The controller's status of every service, or None while it has written none."""
    try:
        with open(path) as handle:
            return json.load(handle).get("services")
    except (IOError, OSError, ValueError):
        return None


def wait_for_outcomes(status_path, wanted, timeout_s, clock=time.monotonic, sleep=time.sleep):
    """Each definition's outcome once none is IN_PROGRESS, or as they stand at the timeout."""
    deadline = clock() + timeout_s
    while True:
        outcomes = local_outcomes(read_status(status_path), wanted)
        if all(outcome["state"] != "IN_PROGRESS" for outcome in outcomes) or clock() >= deadline:
            return outcomes
        sleep(POLL_S)


class Controller(object):
    def __init__(self, module):
        self.module = module
        self.podman = module.get_bin_path("podman", required=True)

    def version(self, name):
        """The program version of the running controller, or None when it does not run."""
        rc, out, _err = self.module.run_command([self.podman, "container", "inspect", name],
                                                environ_update={"LC_ALL": "C"})
        found = json.loads(out or "[]") if rc == 0 else []
        if not found or (found[0].get("State") or {}).get("Status") != "running":
            return None
        return ((found[0].get("Config") or {}).get("Labels") or {}).get(self.module.params["program_label"], "")

    def start(self, argv):
        rc, out, err = self.module.run_command(argv, environ_update={"LC_ALL": "C"})
        if rc != 0:
            self.module.fail_json(msg="The service controller did not start (rc %d): %s" % (rc, err.strip() or out.strip()),
                                  cmd=argv)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cluster=dict(type="str", required=True),
            services=dict(type="list", elements="dict", required=True),
            images=dict(type="dict", required=True),
            endpoints=dict(type="dict", required=True),
            health_check_grace_s=dict(type="int", default=0),
            controller_dir=dict(type="path", required=True),
            program_files=dict(type="list", elements="path", required=True),
            controller_name=dict(type="str", required=True),
            controller_command=dict(type="list", elements="str", required=True),
            controller_program=dict(type="list", elements="str", required=True),
            program_label=dict(type="str", required=True),
            timeout_s=dict(type="int", default=300),
        ),
        supports_check_mode=True,
    )
    params, check = module.params, module.check_mode
    services = params["services"]
    try:
        wanted = definitions(services, services[0]["first_port"] if services else 0, params["images"],
                             params["endpoints"], params["health_check_grace_s"])
    except KeyError as exc:
        module.fail_json(msg="No image or endpoint for %s: run artifacts first, or give it in ecs_images." % exc)

    directory = params["controller_dir"]
    changed = not os.path.isdir(directory)
    if changed and not check:
        os.makedirs(directory, 0o700)
    digest = hashlib.sha1()
    for path in params["program_files"]:
        with open(path, "rb") as handle:
            content = handle.read()
        digest.update(content)
        if not check or not changed:
            changed |= replace_file(os.path.join(directory, os.path.basename(path)), content, check)
    desired = json.dumps({"cluster": params["cluster"], "services": wanted}, indent=4, sort_keys=True) + "\n"
    if not check or not changed:
        changed |= replace_file(os.path.join(directory, "desired.json"), desired.encode("utf-8"), check)

    # Supervised by podman (restart policy always); a new program replaces it, its state is on disk.
    controller = Controller(module)
    version = digest.hexdigest()
    if controller.version(params["controller_name"]) != version:
        changed = True
        if not check:
            controller.start(params["controller_command"] + ["--label", "%s=%s" % (params["program_label"], version)]
                             + params["controller_program"])
    if check:
        module.exit_json(changed=changed, definitions=wanted)

    outcomes = wait_for_outcomes(os.path.join(directory, "status.json"), wanted, params["timeout_s"])
    failed = [outcome for outcome in outcomes if outcome["state"] != "COMPLETED"]
    if failed:
        module.fail_json(msg="\n".join(outcome["message"] for outcome in failed), changed=changed,
                         definitions=wanted, outcomes=outcomes)
    module.exit_json(changed=changed, definitions=wanted, outcomes=outcomes)


if __name__ == "__main__":
    main()
