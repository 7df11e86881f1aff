# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What exists of a cluster on the local platform, from the registry's and podman's answers.

Standard library only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.loadbearing.ecs.plugins.module_utils.service_list import local_replicas

CLUSTER_LABEL = "loadbearing.ecs.cluster"
LOADBALANCER_LABEL = "loadbearing.ecs.loadbalancer"


def _labels(container):
    return container.get("Labels") or {}


def local_state(registry_answers, containers, services, cluster, port_base, registry, lb_address, supplied=None):
    """The registry, the images, the load balancer and the copies, as discovery publishes them.

    registry_answers: results of asking the registry, in order: its API root, then the manifest
    of each planned image (each result with `item` and, when it answered, `status`).
    containers: the parsed output of `podman ps --all --format json`.
    supplied: images a user supplies, by service; they count as present.
    """
    supplied = dict(supplied or {})
    answers = list(registry_answers or [])
    serves = bool(answers) and answers[0].get("status") == 200
    images = {}
    for answer in answers[1:]:
        if serves and answer.get("status") == 200:
            images[answer["item"]["name"]] = answer["item"]["ref"]
    images.update(supplied)

    running = set()
    balancer = False
    for container in containers or []:
        if container.get("State") != "running":
            continue
        labels = _labels(container)
        if labels.get(CLUSTER_LABEL) == cluster:
            running.add((container["Names"][0], container["Image"]))
        if labels.get(LOADBALANCER_LABEL) == cluster:
            balancer = True
    wanted = set((copy["name"], images.get(copy["service"], "")) for copy in local_replicas(services, cluster, port_base))

    endpoints = dict((s["name"], "http://%s:%d/" % (lb_address, int(s["listener_port"]))) for s in services)
    public = [s["name"] for s in services if s.get("public")]
    return {
        "platform": "local",
        "registry": {"url": registry, "ready": serves},
        "images": images,
        "images_missing": [s["name"] for s in services if s["name"] not in images],
        "loadbalancer": {
            "ready": balancer,
            "endpoints": endpoints,
            "public_url": endpoints[public[0]] if public else "",
        },
        "services": {"ready": wanted <= running},
    }
