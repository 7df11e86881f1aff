# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster's plan: the service list checked and complete, and every value derived from it.

Every stage computes it once, right after preflight (the loadbearing.ecs.cluster_plan module),
and the roles read it instead of the raw list: each service with every field (defaults from
service_defaults.py), its bounds, its balancing algorithm on each platform, the names of its
resources; the cluster's names, labels and tags (naming.py); the local port slots; and the images
with their content tags, from the directory the sources come from. Standard library only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.loadbearing.ecs.plugins.module_utils import naming
from ansible_collections.loadbearing.ecs.plugins.module_utils.images import image_plan
from ansible_collections.loadbearing.ecs.plugins.module_utils.partitions import partition
from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import (
    retried_callees, retry_proxy_needed, sidecar_stream_prefixes, with_defaults)
from ansible_collections.loadbearing.ecs.plugins.module_utils.scaling import count_bounds, slot_port
from ansible_collections.loadbearing.ecs.plugins.module_utils.service_list import SERVICE_FIELDS, check_cluster, local_slots, validate

# How each platform's balancer spreads requests: a service that serves a known number of requests
# at once goes to the copy with the fewest in flight; any other, in turn.
BALANCE = {
    "local": {True: "leastconn", False: "roundrobin"},
    "aws": {True: "least_outstanding_requests", False: "round_robin"},
}


# The local platform's first host port of the copies' slots, when the inventory sets none.
LOCAL_PORT_BASE = 20000


class PlanError(ValueError):
    """The service list (or the cluster name) does not fit the platform: one message per problem."""

    def __init__(self, errors):
        super(PlanError, self).__init__("; ".join(errors))
        self.errors = list(errors)


def _service(checked, position, cluster, services, port_base):
    # Every field, an optional one without a default as None: nothing is left to look up.
    service = dict((field, None) for field in SERVICE_FIELDS)
    service.update(checked)
    low, high = count_bounds(service)
    limited = service.get("concurrency") is not None
    service.update(
        position=position,
        kind=naming.kind(service),
        # Target tracking runs when the list gives max_count; the count then moves between bounds.
        scaled=service.get("max_count") is not None,
        count={"min": low, "max": high},
        balance=dict((platform, choices[limited]) for platform, choices in BALANCE.items()),
        retry_policy=with_defaults(service["retry_policy"]) if service.get("retry_policy") is not None else None,
        # The services it calls that have a retry policy: on AWS its tasks carry the retry proxy.
        calls_with_retries=[callee["name"] for callee in retried_callees(checked, services)],
        names=naming.service_names(cluster, service),
    )
    if port_base is not None:
        service["first_port"] = slot_port(port_base, position, 0)
    return service


def cluster_names_plan(cluster, platform, region=None, account=None):
    """The part of the plan that does not depend on the service list: what terminate finds the
    cluster's resources by (its names, labels and tags), whatever the list says now."""
    errors = []
    check_cluster(cluster, platform, errors)
    if errors:
        raise PlanError(errors)
    return {
        "cluster": cluster,
        "platform": platform,
        "region": region,
        "account": account,
        # ARNs carry the region's partition (aws, aws-cn, aws-us-gov), never a literal "aws".
        "partition": partition(region) if region else None,
        "names": naming.cluster_names(cluster, region, account),
        "labels": naming.labels(cluster),
        "tags": naming.tags(cluster, region),
    }


def cluster_plan(services, cluster, platform, packer_dir, port_base=None, region=None, account=None):
    """The plan of a cluster, or PlanError naming every problem of the list.

    packer_dir holds the Packer template, the base image's recipe and services/<source>/ of every
    service: the images and their tags come from there. port_base (local) places the copies' port
    slots; region and account (AWS) complete the names and ARNs that carry them.
    """
    checked, errors = validate(services, cluster, platform)
    sources = os.path.join(packer_dir, "services")
    for position, service in enumerate(checked):
        if "source" in service and not os.path.isdir(os.path.join(sources, service["source"])):
            errors.append("ecs_services[%d] (%s).source: no directory %s in %s"
                          % (position, service.get("name"), service["source"], sources))
    if errors:
        raise PlanError(errors)
    if platform == "local" and port_base is None:
        port_base = LOCAL_PORT_BASE
    planned = [_service(service, position, cluster, checked, port_base) for position, service in enumerate(checked)]
    plan = dict(cluster_names_plan(cluster, platform, region, account), packer_dir=packer_dir, services=planned)
    plan.update({        # On AWS the tasks that call a service with a retry policy carry the retry proxy, which
        # logs its counters to streams with these prefixes.
        "sidecar": platform == "aws" and retry_proxy_needed(checked),
        "sidecar_log_prefixes": sidecar_stream_prefixes(checked) if platform == "aws" else [],
        # The registry's address is the platform's (discovery finds it): the plan's references
        # are relative to it, so the tags are the same in every registry.
        "images": image_plan(checked, cluster, None, packer_dir, sidecar=platform == "aws"),
    })
    if port_base is not None:
        plan["port_base"] = port_base
        plan["slots"] = local_slots(checked, cluster, port_base)
        plan["reachable_ports"] = [slot["port"] for slot in local_slots(checked, cluster, port_base, reachable_only=True)]
    return plan
