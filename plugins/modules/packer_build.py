#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: packer_build
short_description: Build images with Packer, only when what goes into them changed
version_added: 0.1.0
description:
  - Runs C(packer build -machine-readable) on O(template) with O(variables) and returns the
    artifacts parsed from Packer's machine-readable stream.
  - Before building, computes a fingerprint (sha256) of the template, the variables and every
    file under O(fingerprint_paths). When it matches the last successful build recorded in
    O(state_file) and every image of that build still exists in O(container_engine), nothing is
    built and C(changed) is false.
  - On failure, fails with Packer's own error lines. Packer's full log is written to
    O(log_file).
options:
  template:
    description: Path to the Packer template (HCL2 C(.pkr.hcl) or JSON).
    type: path
    required: true
  variables:
    description: Variables for the template, written to a var file for Packer.
    type: dict
    default: {}
  fingerprint_paths:
    description: Files and directories baked into the image, hashed into the fingerprint.
    type: list
    elements: path
    default: []
  state_file:
    description: JSON file recording the fingerprint and artifacts of the last successful build.
    type: path
    required: true
  log_file:
    description: Where Packer's full output goes. Defaults to O(state_file) with C(.log) appended.
    type: path
  container_engine:
    description: Command used to check that the images of the last build still exist.
    type: str
    default: podman
  path_prefix:
    description:
      - Directories put first in PATH for Packer only, for example one holding a C(docker)
        command that runs podman.
    type: list
    elements: path
    default: []
  force:
    description: Build even when the fingerprint matches.
    type: bool
    default: false
notes:
  - In check mode the module runs C(packer validate) and reports whether a build would happen.
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Build and push the backend image
  loadbearing.ecs.packer_build:
    template: packer/service.pkr.hcl
    variables:
      base_image: localhost/demo/base:bookworm-1
      source_dir: packer/services/backend
      repository: 127.0.0.1:5050/demo/backend
      tag: 3f2a9c0d1e4b5a6f
    fingerprint_paths: [packer/services/backend]
    state_file: /var/lib/loadbearing/demo/images/backend.json
    path_prefix: [/var/lib/loadbearing/demo/bin]
  register: backend_image
"""

RETURN = r"""
fingerprint:
  description: sha256 of the template, variables and baked-in files.
  returned: always
  type: str
images:
  description: The C(repository:tag) references Packer produced (from docker-tag artifacts).
  returned: always
  type: list
  elements: str
image_ids:
  description: The image ids Packer produced.
  returned: always
  type: list
  elements: str
artifacts:
  description: Every artifact of the machine-readable stream (target, index, builder_id, id, string).
  returned: always
  type: list
  elements: dict
built:
  description: Whether Packer ran a build in this call.
  returned: always
  type: bool
log_file:
  description: Path of Packer's full log.
  returned: always
  type: str
errors:
  description: Packer's own error lines.
  returned: on failure
  type: list
  elements: str
"""

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.packer import (
    fingerprint,
    image_ids,
    image_references,
    parse_machine_readable,
)

PACKER_SUCCESS = 0


def read_state(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (IOError, OSError, ValueError):
        return {}


def write_state(path, state):
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        os.makedirs(directory)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".packer-state-")
    with os.fdopen(handle, "w") as out:
        json.dump(state, out, indent=2, sort_keys=True)
    os.rename(temporary, path)


def images_exist(module, engine, references):
    if not references:
        return False
    engine_bin = module.get_bin_path(engine, required=True)
    for ref in references:
        rc, _out, _err = module.run_command([engine_bin, "image", "exists", ref])
        if rc != 0:
            return False
    return True


class PackerRunner(object):
    def __init__(self, module):
        self.module = module
        self.packer = module.get_bin_path("packer", required=True)
        env = {"LC_ALL": "C", "CHECKPOINT_DISABLE": "1"}
        if module.params["path_prefix"]:
            env["PATH"] = os.pathsep.join(module.params["path_prefix"] + [os.environ.get("PATH", "")])
        self.env = env

    def run(self, subcommand, var_file, template):
        command = [self.packer, subcommand]
        if subcommand == "build":
            command.append("-machine-readable")
        command.extend(["-var-file", var_file, template])
        cwd = os.path.dirname(template) or None
        rc, out, err = self.module.run_command(command, environ_update=self.env, cwd=cwd)
        return command, rc, out, err


def write_var_file(variables):
    # A .pkrvars.json file carries lists and maps for HCL2 templates, unlike -var.
    handle, path = tempfile.mkstemp(prefix="packer-vars-", suffix=".pkrvars.json")
    with os.fdopen(handle, "w") as out:
        json.dump(variables, out)
    return path


def main():
    argument_spec = dict(
        template=dict(type="path", required=True),
        variables=dict(type="dict", default={}),
        fingerprint_paths=dict(type="list", elements="path", default=[]),
        state_file=dict(type="path", required=True),
        log_file=dict(type="path"),
        container_engine=dict(type="str", default="podman"),
        path_prefix=dict(type="list", elements="path", default=[]),
        force=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    template = os.path.abspath(params["template"])
    log_file = params["log_file"] or params["state_file"] + ".log"
    if not os.path.isfile(template):
        module.fail_json(msg="Packer template not found: %s" % template)
    variables = dict(params["variables"])

    try:
        digest = fingerprint(template, variables, params["fingerprint_paths"])
    except (ValueError, IOError, OSError) as exc:
        module.fail_json(msg="cannot fingerprint the build inputs: %s" % exc)
    result = dict(changed=False, built=False, fingerprint=digest, log_file=log_file,
                  images=[], image_ids=[], artifacts=[])

    previous = read_state(params["state_file"])
    if not params["force"] and previous.get("fingerprint") == digest \
            and images_exist(module, params["container_engine"], previous.get("images", [])):
        result.update(images=previous["images"], image_ids=previous.get("image_ids", []),
                      artifacts=previous.get("artifacts", []))
        module.exit_json(msg="up to date: fingerprint matches the last build and its images exist", **result)

    runner = PackerRunner(module)
    var_file = write_var_file(variables)
    try:
        if module.check_mode:
            command, rc, out, err = runner.run("validate", var_file, template)
            if rc != PACKER_SUCCESS:
                module.fail_json(msg="packer validate failed: %s" % (err or out).strip(), rc=rc,
                                 stdout=out, stderr=err, command=command, **result)
            result["changed"] = True
            module.exit_json(msg="check mode: template is valid and would be built", **result)
        command, rc, out, err = runner.run("build", var_file, template)
    finally:
        os.unlink(var_file)

    log_dir = os.path.dirname(log_file)
    if log_dir and not os.path.isdir(log_dir):
        os.makedirs(log_dir)
    with open(log_file, "w") as log:
        log.write(out)
        log.write(err)

    parsed = parse_machine_readable(out)
    if rc != PACKER_SUCCESS or parsed["error_count"]:
        errors = parsed["errors"] or [line for line in (err or out).splitlines() if line.strip()][-5:]
        module.fail_json(msg="packer build failed (rc=%d): %s (full log: %s)" % (rc, "; ".join(errors), log_file),
                         rc=rc, errors=errors, stderr=err, command=command, **result)

    result.update(changed=True, built=True, artifacts=parsed["artifacts"],
                  images=image_references(parsed["artifacts"]), image_ids=image_ids(parsed["artifacts"]))
    write_state(params["state_file"], dict(fingerprint=digest, images=result["images"],
                                           image_ids=result["image_ids"], artifacts=result["artifacts"]))
    module.exit_json(msg="built %s" % ", ".join(result["images"] or result["image_ids"]), **result)


if __name__ == "__main__":
    main()
