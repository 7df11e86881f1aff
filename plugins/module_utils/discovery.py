# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What exists of a cluster on the local platform, from the registry's and podman's answers.

Standard library only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.loadbearing.ecs.plugins.module_utils import naming
from ansible_collections.loadbearing.ecs.plugins.module_utils.scaling import count_bounds

CLUSTER_LABEL = naming.LABELS["cluster"]
SERVICE_LABEL = naming.LABELS["service"]
LOADBALANCER_LABEL = naming.LABELS["loadbalancer"]
CONTROLLER_LABEL = naming.LABELS["controller"]


def _copies_as_planned(service, running_images, image):
    """The copies of a service run its planned image only, and there are copies unless the
    controller may keep none (its bounds, not desired_count: a scaled service moves between them)."""
    fewest, most = count_bounds(service)
    if not running_images <= {image}:
        return False
    return bool(running_images) if fewest > 0 else (not running_images or most > 0)


def _labels(container):
    return container.get("Labels") or {}


def local_state(registry_answers, containers, services, cluster, registry, lb_address, supplied=None):
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
            images[answer["item"]["name"]] = "%s/%s:%s" % (registry, answer["item"]["repository"], answer["item"]["tag"])
    images.update(supplied)

    # The services are ready when their controller runs and every service runs copies of its
    # planned image only (none while a rollout is under way); how many is the controller's call.
    running = {}
    balancer = controller = False
    for container in containers or []:
        if container.get("State") != "running":
            continue
        labels = _labels(container)
        if labels.get(CLUSTER_LABEL) == cluster:
            running.setdefault(labels.get(SERVICE_LABEL), set()).add(container["Image"])
        balancer = balancer or labels.get(LOADBALANCER_LABEL) == cluster
        controller = controller or labels.get(CONTROLLER_LABEL) == cluster
    ready = controller and all(_copies_as_planned(s, running.get(s["name"], set()), images.get(s["name"], ""))
                               for s in services)

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
        "services": {"ready": ready},
    }


def _tagged(resource, cluster):
    return (resource.get("tags") or {}).get(naming.CLUSTER_TAG) == cluster


def _by_suffix(names_and_values, suffixes):
    """{suffix: value} for the names that end with one of the suffixes (names carry a prefix)."""
    found = {}
    for name, value in names_and_values:
        for suffix in suffixes:
            if name.endswith("-" + suffix):
                found[suffix] = value
    return found


IAM_PURPOSES = naming.IAM_PURPOSES


def resource_label(load_balancer_arn, target_group_arn):
    """app/<alb>/<id>/targetgroup/<group>/<id>: the ALB's part of its ARN, then the target group's."""
    return "%s/%s" % (load_balancer_arn.split(":loadbalancer/", 1)[1], target_group_arn.split(":")[-1])


def aws_state(answers, services, cluster, region, supplied=None):
    """The network, IAM, registry, images, load balancers and services, as discovery publishes them.

    answers: the registered results of the discovery tasks, by name: vpcs, subnets, groups,
    roles, profiles, ecr, albs, target_groups, services (each what its info module returned;
    subnets and groups may be missing when there is no VPC).
    The transfer bucket of the remote hosts is named by the account and the region (bucket names
    are global), as the iam role makes it.
    """
    supplied = dict(supplied or {})
    vpcs = answers["vpcs"].get("vpcs") or []
    subnets = sorted((answers.get("subnets") or {}).get("subnets") or [], key=lambda s: s.get("availability_zone", ""))
    groups = (answers.get("groups") or {}).get("security_groups") or []

    def tier(name):
        return [s["id"] for s in subnets if (s.get("tags") or {}).get(naming.TIER_TAG) == name]

    ecr = answers["ecr"]
    images = dict((i["repository"].split("/", 1)[1], i["uri"]) for i in ecr["images"] if i["image_exists"])
    images.update(supplied)
    # Every planned image: the services', then any other the plan holds (the retry proxy's).
    names = [s["name"] for s in services]
    names += [n for n in (i["repository"].split("/", 1)[1] for i in ecr["images"]) if n not in names]

    balancers = [lb for lb in answers["albs"].get("load_balancers") or [] if _tagged(lb, cluster)]
    dns = dict(("public" if lb.get("scheme") == "internet-facing" else "internal", lb.get("dns_name", "")) for lb in balancers)
    endpoints = {}
    for service in services:
        kind = "public" if service.get("public") else "internal"
        endpoints[service["name"]] = "http://%s:%d/" % (dns.get(kind, ""), int(service["listener_port"]))
    target_groups = dict((g["target_group_name"][len(cluster) + 1:], g["target_group_arn"])
                         for g in answers["target_groups"].get("target_groups") or [] if _tagged(g, cluster))
    arns = dict((naming.kind({"public": lb.get("scheme") == "internet-facing"}), lb.get("load_balancer_arn", ""))
                for lb in balancers)
    kinds = set("public" if s.get("public") else "internal" for s in services)
    public = [s["name"] for s in services if s.get("public")]
    active = [s for s in (answers["services"].get("services") or []) if s.get("status") == "ACTIVE"]
    account = ecr["registry"].split(".", 1)[0]
    return {
        "platform": "aws",
        "account": account,
        "network": {
            "vpc_id": vpcs[0]["id"] if vpcs else "",
            "public_subnet_ids": tier("public"),
            "private_subnet_ids": tier("private"),
            "security_groups": dict((g["group_name"][len(cluster) + 1:] if g["group_name"].startswith(cluster + "-")
                                     else g["group_name"], g["group_id"]) for g in groups),
        },
        "iam": {
            "roles": _by_suffix(((r["role_name"], r["arn"]) for r in answers["roles"].get("iam_roles") or []), IAM_PURPOSES),
            "profiles": _by_suffix(((p["instance_profile_name"], p["instance_profile_name"])
                                    for p in answers["profiles"].get("iam_instance_profiles") or []), IAM_PURPOSES),
            "transfer_bucket": naming.transfer_bucket(cluster, account, region),
        },
        "registry": {"url": ecr["registry"], "ready": all(i["repository_exists"] for i in ecr["images"])},
        "images": images,
        "images_missing": [name for name in names if name not in images],
        "loadbalancer": {
            "ready": kinds <= set(dns) and all(s["name"] in target_groups for s in services),
            "endpoints": endpoints,
            "public_url": endpoints[public[0]] if public else "",
            "target_groups": target_groups,
            # What target tracking on ALBRequestCountPerTarget names a service's requests by.
            "resource_labels": dict((s["name"], resource_label(arns.get(naming.kind(s), ""), target_groups[s["name"]]))
                                    for s in services if s["name"] in target_groups and arns.get(naming.kind(s))),
        },
        "services": {"ready": set(s["name"] for s in services) <= set(s.get("serviceName") for s in active)},
    }
