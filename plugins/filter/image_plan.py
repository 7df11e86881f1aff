# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: image_plan
short_description: The images of a cluster, with the content tag and reference of each
version_added: 0.2.0
description:
  - Plans the base image and one image per service from the Packer directory, with the Packer
    variables, the content-derived tag and the reference in the registry.
  - The tag names the content (template, variables, files), not the registry, so looking the
    reference up in the registry tells whether the image exists.
  - Runs on the control node, where the Packer directory is.
positional: cluster, registry
options:
  _input:
    description: The service list.
    type: list
    elements: dict
    required: true
  cluster:
    description: The cluster name.
    type: str
    required: true
  registry:
    description: The registry's address (C(host:port), or the ECR registry host).
    type: str
    required: true
  packer_dir:
    description: The directory with C(service.pkr.hcl), C(base/), C(services/) and C(retry-proxy/); the collection's by default.
    type: path
  sidecar:
    description:
      - Whether the platform's tasks carry the retry proxy as a sidecar (AWS). Then, when a service
        calls one that has a C(retry_policy), the plan also holds the C(retry-proxy) image (HAProxy
        with retry_policy.lua, from C(retry-proxy/)), and its base in C(bases).
    type: bool
    default: false
"""

EXAMPLES = r"""
plan: "{{ ecs_services | loadbearing.ecs.image_plan(ecs_cluster_name, '127.0.0.1:5050') }}"
aws_plan: "{{ ecs_services | loadbearing.ecs.image_plan(ecs_cluster_name, ecr_registry, sidecar=true) }}"
"""

RETURN = r"""
_value:
  description:
    - C(base), the services' base image (C(suite), C(packages), C(hook), C(ref)); C(bases), every base
      image the planned images need; and C(services), one dict per image (each service's, then the
      retry proxy's when planned) with C(name), C(template), C(source), C(variables), C(repository),
      C(tag) and C(ref).
    - Paths are relative to the Packer directory.
  type: dict
"""

import os

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.images import image_plan

COLLECTION_PACKER_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "packer")


def _image_plan(services, cluster, registry, packer_dir=None, sidecar=False):
    try:
        return image_plan(services, cluster, registry, packer_dir or COLLECTION_PACKER_DIR, bool(sidecar))
    except (KeyError, ValueError, TypeError, OSError) as exc:
        raise AnsibleFilterError("cannot plan the images: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"image_plan": _image_plan}
