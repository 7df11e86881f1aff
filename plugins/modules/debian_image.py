#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: debian_image
short_description: A container image unpacked from Debian packages, without any registry
version_added: 0.2.0
description:
  - Nothing can be pulled on the local platform, so the images it runs are unpacked from Debian
    packages with C(mmdebstrap --variant=extract) and imported with C(podman import), on the host
    that runs the module.
  - The tag follows the recipe (suite, mirror, packages and the hook's content) unless O(tag) is
    given, so a changed recipe makes a new image and an unchanged one is kept (C(changed=false)).
  - With O(state=absent), removes every image that carries all of O(labels).
options:
  repository:
    description: Repository of the image, for example C(localhost/demo/registry). Required when present.
    type: str
  tag:
    description: The tag, when the caller derives it; by default the first 12 hex digits of a sha256 of the recipe.
    type: str
  packages:
    description: Packages unpacked into the image, with their dependencies. Required when present.
    type: list
    elements: str
  suite:
    description: Debian suite the packages come from.
    type: str
    default: bookworm
  mirror:
    description: Debian mirror the packages come from.
    type: str
    default: http://deb.debian.org/debian
  hook:
    description:
      - mmdebstrap extract hook (a script on the target) that makes the unpacked packages a root
        filesystem, since extracting configures no package. Required when present.
    type: path
  labels:
    description: Labels of the image; O(state=absent) removes the images that carry all of them.
    type: dict
    default: {}
  work_dir:
    description: Directory for the root filesystem archive while it is imported. Required when present.
    type: path
  state:
    description: Whether the image exists.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Needs C(mmdebstrap) and C(podman) on the target. The archive is removed whatever happens.
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Make the registry's image
  loadbearing.ecs.debian_image:
    repository: localhost/demo/registry
    packages: [docker-registry]
    hook: /path/to/root-filesystem-hook.sh
    labels:
      loadbearing.ecs.registry: demo
    work_dir: /var/lib/loadbearing-ecs/demo
  register: registry_image

- name: Remove the cluster's registry images, whatever their recipe
  loadbearing.ecs.debian_image:
    labels:
      loadbearing.ecs.registry: demo
    state: absent
"""

RETURN = r"""
ref:
  description: C(repository:tag) of the image.
  returned: when present
  type: str
  sample: localhost/demo/registry:5481ac563c56
removed:
  description: Ids of the images removed.
  returned: when absent
  type: list
  elements: str
  sample: ["sha256:1b2c..."]
"""

import hashlib
import os

from ansible.module_utils.basic import AnsibleModule

TAG_LENGTH = 12
# Imported images have no PATH.
IMAGE_PATH = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
MERGED_USR_HOOKS = "/usr/share/mmdebstrap/hooks/merged-usr"


def recipe_tag(suite, mirror, packages, hook_text):
    """The tag that follows the recipe: any change to it names a new image."""
    digest = hashlib.sha256()
    digest.update(("%s\0%s\0%s\0" % (suite, mirror, ",".join(packages))).encode("utf-8"))
    digest.update(hook_text)
    return digest.hexdigest()[:TAG_LENGTH]


class DebianImage(object):
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.podman = module.get_bin_path("podman", required=True)

    def run(self, argv, what):
        rc, out, err = self.module.run_command(argv, environ_update={"LC_ALL": "C"})
        if rc != 0:
            self.module.fail_json(msg="%s failed (exit %d): %s" % (what, rc, err.strip() or out.strip()),
                                  cmd=argv, rc=rc, stdout=out, stderr=err)
        return out

    def ref(self):
        tag = self.params["tag"]
        if not tag:
            with open(self.params["hook"], "rb") as handle:
                tag = recipe_tag(self.params["suite"], self.params["mirror"], self.params["packages"], handle.read())
        return "%s:%s" % (self.params["repository"], tag)

    def exists(self, ref):
        rc, _out, err = self.module.run_command([self.podman, "image", "exists", ref], environ_update={"LC_ALL": "C"})
        if rc > 1:
            self.module.fail_json(msg="podman image exists %s failed (exit %d): %s" % (ref, rc, err.strip()))
        return rc == 0

    def make(self, ref):
        mmdebstrap = self.module.get_bin_path("mmdebstrap", required=True)
        archive = os.path.join(self.params["work_dir"], ref.rsplit(":", 1)[0].replace("/", "_") + ".tar")
        try:
            self.run([mmdebstrap, "--quiet", "--variant=extract", "--include=" + ",".join(self.params["packages"]),
                      "--hook-dir=" + MERGED_USR_HOOKS, "--extract-hook=" + self.params["hook"],
                      self.params["suite"], archive, self.params["mirror"]], "mmdebstrap")
            changes = ["--change", IMAGE_PATH]
            for key, value in sorted(self.params["labels"].items()):
                changes += ["--change", "LABEL %s=%s" % (key, value)]
            self.run([self.podman, "import", "--quiet"] + changes + [archive, ref], "podman import")
        finally:
            if os.path.exists(archive):
                os.remove(archive)

    def present(self):
        ref = self.ref()
        if self.exists(ref):
            self.module.exit_json(changed=False, ref=ref)
        if not self.module.check_mode:
            self.make(ref)
        self.module.exit_json(changed=True, ref=ref)

    def absent(self):
        if not self.params["labels"]:
            self.module.fail_json(msg="labels is empty, which would remove every image of this machine: "
                                      "give the labels of the images to remove")
        filters = []
        for key, value in sorted(self.params["labels"].items()):
            filters += ["--filter", "label=%s=%s" % (key, value)]
        found = sorted(set(self.run([self.podman, "images", "--quiet", "--no-trunc"] + filters, "podman images").split()))
        if found and not self.module.check_mode:
            self.run([self.podman, "rmi"] + found, "podman rmi")
        self.module.exit_json(changed=bool(found), removed=found)


def main():
    argument_spec = dict(
        repository=dict(type="str"),
        tag=dict(type="str"),
        packages=dict(type="list", elements="str"),
        suite=dict(type="str", default="bookworm"),
        mirror=dict(type="str", default="http://deb.debian.org/debian"),
        hook=dict(type="path"),
        labels=dict(type="dict", default={}),
        work_dir=dict(type="path"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["repository", "packages", "hook", "work_dir"])],
        supports_check_mode=True,
    )
    image = DebianImage(module)
    if module.params["state"] == "present":
        image.present()
    image.absent()


if __name__ == "__main__":
    main()
