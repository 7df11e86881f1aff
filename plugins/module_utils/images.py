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

from ansible_collections.loadbearing.ecs.plugins.module_utils import naming
from ansible_collections.loadbearing.ecs.plugins.module_utils.packer import CONTENT_TAG_LENGTH, fingerprint
from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import SIDECAR_NAME, retry_proxy_needed

TEMPLATE = "service.pkr.hcl"
BASE_DIR = "base"
BASE_TAG_LENGTH = 12
LABEL = naming.LABELS["cluster"]
# The retry proxy, an ECS task's sidecar (retry_policy.task_containers): its own base (HAProxy)
# and its files in packer/retry-proxy, built with the services' template.
SIDECAR_DIR = SIDECAR_NAME


def debian_base(packer_dir, cluster, recipe_dir, name):
    """An image unpacked from Debian packages: its recipe (suite, packages, hook) and reference.

    recipe_dir, under the Packer directory, holds recipe.json and hook.sh. The tag follows them,
    so a changed recipe makes a new base, and with it new images on top. The mirror the packages
    come from is not part of it: the same packages are the same image.
    """
    hook_path = os.path.join(recipe_dir, "hook.sh")
    with open(os.path.join(packer_dir, recipe_dir, "recipe.json")) as handle:
        recipe = json.load(handle)
    with open(os.path.join(packer_dir, hook_path), "rb") as handle:
        hook = handle.read()
    digest = hashlib.sha256()
    digest.update(json.dumps(recipe, sort_keys=True).encode("utf-8"))
    digest.update(hook)
    repository = "localhost/" + naming.repository(cluster, name)
    tag = digest.hexdigest()[:BASE_TAG_LENGTH]
    return {
        "suite": recipe["suite"],
        "packages": list(recipe["packages"]),
        "hook": hook_path,
        "repository": repository,
        "tag": tag,
        "ref": "%s:%s" % (repository, tag),
    }


def base_image(packer_dir, cluster):
    """The services' slim base image (python3, busybox), from packer/base."""
    return debian_base(packer_dir, cluster, BASE_DIR, "base")


def service_variables(service, cluster, base_ref):
    """The Packer variables of one service image, but its tag and repository."""
    command = ["/bin/sh", "-c", "exec " + service["command"]]
    return {
        "base_image": base_ref,
        # Relative to the template (Packer runs there), so the tag does not follow the checkout.
        "source_dir": "services/%s" % service["source"],
        "changes": [
            "ENTRYPOINT []",
            "CMD %s" % json.dumps(command),
            "WORKDIR /app",
            "ENV PORT=%d" % service["port"],
            "EXPOSE %d" % service["port"],
            "LABEL %s=%s" % (LABEL, cluster),
            "LABEL %s=%s" % (naming.LABELS["service"], service["name"]),
        ],
    }


def sidecar_variables(cluster, base_ref):
    """The Packer variables of the retry proxy's image, but its tag and repository."""
    return {
        "base_image": base_ref,
        "source_dir": "%s/app" % SIDECAR_DIR,
        "changes": [
            "ENTRYPOINT []",
            'CMD ["/bin/sh", "/app/start.sh"]',
            "WORKDIR /app",
            "LABEL %s=%s" % (LABEL, cluster),
            "LABEL %s=%s" % (naming.LABELS["sidecar"], SIDECAR_NAME),
        ],
    }


def _planned(name, variables, packer_dir, cluster):
    """One image of the plan, tagged by its content: template, variables, files. What is in the
    image, not where it goes: the same tag in every registry."""
    source = variables["source_dir"]
    digest = fingerprint(os.path.join(packer_dir, TEMPLATE), variables, [os.path.join(packer_dir, source)])
    tag = digest[:CONTENT_TAG_LENGTH]
    repository = naming.repository(cluster, name)
    return {
        "name": name,
        "template": TEMPLATE,
        "source": source,
        "variables": dict(variables, tag=tag),
        "repository": repository,
        "tag": tag,
        # Where a registry's HTTP API answers for this image (HEAD: 200 or 404).
        "manifest_path": "%s/manifests/%s" % (repository, tag),
    }


def in_registry(image, registry):
    """A planned image as pushed to a registry (host[:port]): its reference, and the repository
    Packer pushes to."""
    repository = "%s/%s" % (registry, image["repository"])
    return dict(image, ref="%s:%s" % (repository, image["tag"]),
                variables=dict(image["variables"], repository=repository))


def image_plan(services, cluster, registry, packer_dir, sidecar=False):
    """Every image of the cluster: the bases, and per image its Packer input, tag and reference.

    `services` holds one image per service of the list, then, with `sidecar` (a platform whose
    tasks carry the retry proxy: AWS) and when a service calls one that has a retry policy, the
    retry proxy's, named SIDECAR_NAME. `bases` holds the Debian images they build on; `base` is
    the services' one. With a registry (host[:port]) each image has its reference there (ref) and
    the repository Packer pushes to; without one, the plan's form, the registry is the platform's
    to add (in_registry).

    The tag is derived from the template, the image's files and every variable but the
    repository, so it names the content wherever it is pushed. Paths in the plan are relative to
    the Packer directory, so a build host that received a copy of it elsewhere builds the same
    images with the same tags.
    """
    base = base_image(packer_dir, cluster)
    bases = [base]
    planned = [_planned(service["name"], service_variables(service, cluster, base["ref"]), packer_dir, cluster)
               for service in services]
    if sidecar and retry_proxy_needed(services):
        proxy_base = debian_base(packer_dir, cluster, SIDECAR_DIR, SIDECAR_NAME + "-base")
        bases.append(proxy_base)
        planned.append(_planned(SIDECAR_NAME, sidecar_variables(cluster, proxy_base["ref"]), packer_dir, cluster))
    if registry:
        planned = [in_registry(image, registry) for image in planned]
    return {"base": base, "bases": bases, "services": planned}
