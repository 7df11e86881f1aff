# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every image of a cluster is made of, and the reference it has in the registry.

One function plans the images for both the images role (which builds them) and discovery
(which asks the registry for them): an image's tag is derived from everything that goes into
it, so the registry is the truth about what exists, and nothing already pushed is pushed again.
Standard library only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os

from ansible_collections.loadbearing.ecs.plugins.module_utils.packer import CONTENT_TAG_LENGTH, fingerprint

TEMPLATE = "service.pkr.hcl"
BASE_RECIPE = os.path.join("base", "recipe.json")
BASE_HOOK = os.path.join("base", "hook.sh")
BASE_TAG_LENGTH = 12
LABEL = "loadbearing.ecs.cluster"


def base_image(packer_dir, cluster):
    """The slim base image: its recipe (suite, packages, hook) and its reference.

    The tag follows the recipe, so a changed recipe makes a new base, and with it new service
    images. The mirror the packages come from is not part of it: the same packages are the
    same image.
    """
    with open(os.path.join(packer_dir, BASE_RECIPE)) as handle:
        recipe = json.load(handle)
    with open(os.path.join(packer_dir, BASE_HOOK), "rb") as handle:
        hook = handle.read()
    digest = hashlib.sha256()
    digest.update(json.dumps(recipe, sort_keys=True).encode("utf-8"))
    digest.update(hook)
    repository = "localhost/%s/base" % cluster
    tag = digest.hexdigest()[:BASE_TAG_LENGTH]
    return {
        "suite": recipe["suite"],
        "packages": list(recipe["packages"]),
        "hook": BASE_HOOK,
        "repository": repository,
        "tag": tag,
        "ref": "%s:%s" % (repository, tag),
    }


def service_variables(service, cluster, registry, base_ref):
    """The Packer variables of one service image, but its tag."""
    command = ["/bin/sh", "-c", "exec " + service["command"]]
    return {
        "base_image": base_ref,
        # Relative to the template (Packer runs there), so the tag does not follow the checkout.
        "source_dir": "services/%s" % service["source"],
        "repository": "%s/%s/%s" % (registry, cluster, service["name"]),
        "changes": [
            "ENTRYPOINT []",
            "CMD %s" % json.dumps(command),
            "WORKDIR /app",
            "ENV PORT=%d" % service["port"],
            "EXPOSE %d" % service["port"],
            "LABEL %s=%s" % (LABEL, cluster),
            "LABEL loadbearing.ecs.service=%s" % service["name"],
        ],
    }


def image_plan(services, cluster, registry, packer_dir):
    """Every image of the cluster: the base, and per service its Packer input, tag and reference.

    The tag is derived from the template, the service's files and every variable but the
    repository, so it names the content wherever it is pushed.

    Paths in the plan are relative to the Packer directory, so a build host that received a copy
    of it elsewhere builds the same images with the same tags.
    """
    base = base_image(packer_dir, cluster)
    planned = []
    for service in services:
        variables = service_variables(service, cluster, registry, base["ref"])
        source = variables["source_dir"]
        # What is in the image, not where it goes: the same tag in every registry.
        content = dict((key, value) for key, value in variables.items() if key != "repository")
        digest = fingerprint(os.path.join(packer_dir, TEMPLATE), content, [os.path.join(packer_dir, source)])
        tag = digest[:CONTENT_TAG_LENGTH]
        variables["tag"] = tag
        planned.append({
            "name": service["name"],
            "template": TEMPLATE,
            "source": source,
            "variables": variables,
            "repository": "%s/%s" % (cluster, service["name"]),
            "tag": tag,
            "ref": "%s:%s" % (variables["repository"], tag),
            # Where a registry's HTTP API answers for this image (HEAD: 200 or 404).
            "manifest_path": "%s/%s/manifests/%s" % (cluster, service["name"], tag),
        })
    return {"base": base, "services": planned}


def debian_image_tag(suite, mirror, packages, hook_text):
    """The tag of an image unpacked from Debian packages: it follows the whole recipe."""
    recipe = "%s%s%s%s" % (suite, mirror, ",".join(packages), hook_text)
    return hashlib.sha256(recipe.encode("utf-8")).hexdigest()[:BASE_TAG_LENGTH]
