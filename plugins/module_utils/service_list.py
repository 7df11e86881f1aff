# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The service list: its schema, its checks per platform, and views of it the roles share.

The schema lives here and only here. Preflight validates the list with it (through the
loadbearing.ecs.service_list module) before anything is created, so the roles can rely on it.
Standard library only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.loadbearing.ecs.plugins.module_utils import service_defaults
from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import SIDECAR_NAME, policy_problems
from ansible_collections.loadbearing.ecs.plugins.module_utils.scaling import (
    SLOTS_PER_SERVICE, copy_name, deployment_of, rollout_bounds, slot_port)

MAX_COUNT = service_defaults.MAX_COUNT

SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")
CLUSTER_NAME = re.compile(r"^[a-z][a-z0-9-]{0,22}[a-z0-9]$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# AWS limits (Elastic Load Balancing, ECS). Names of load balancers and target groups: at most
# 32 characters. Capacity provider names may not start with these prefixes.
AWS_ELB_NAME_MAX = 32
AWS_RESERVED_PREFIXES = ("aws", "ecs", "fargate")
# Suffixes the AWS platform appends to the cluster name.
AWS_LOAD_BALANCER_SUFFIXES = ("-internal", "-public")
AWS_CAPACITY_PROVIDER_SUFFIX = "-hosts"
# ALB target group health checks: interval 5-300 s, timeout 2-120 s and below the interval,
# thresholds 2-10.
AWS_HEALTH_CHECK_BOUNDS = {
    "interval_s": (5, 300),
    "timeout_s": (2, 120),
    "healthy_threshold": (2, 10),
    "unhealthy_threshold": (2, 10),
}

# The schema: field -> (type, required, default, (low, high) or None), in service_defaults.py.
DEPLOYMENT_FIELDS = service_defaults.DEPLOYMENT_FIELDS
HEALTH_CHECK_FIELDS = service_defaults.HEALTH_CHECK_FIELDS
SERVICE_FIELDS = service_defaults.SERVICE_FIELDS

PLATFORMS = ("local", "aws")


def _type_name(kind):
    return {str: "a string", int: "a whole number", bool: "true or false", dict: "a mapping"}[kind]


def _check_fields(value, fields, where, errors):
    """Types, required fields, bounds and unknown keys of one mapping; returns it with defaults."""
    if not isinstance(value, dict):
        errors.append("%s: must be a mapping, not %r" % (where, value))
        return {}
    result = {}
    for key in sorted(set(value) - set(fields)):
        errors.append("%s.%s: unknown field (known: %s)" % (where, key, ", ".join(sorted(fields))))
    for key, (kind, required, default, bounds) in fields.items():
        if key not in value or value[key] is None:
            if required:
                errors.append("%s.%s: required" % (where, key))
            elif default is not None:
                result[key] = type(default)(default)
            continue
        item = value[key]
        wrong = isinstance(item, bool) != (kind is bool) or not isinstance(item, kind)
        if wrong:
            errors.append("%s.%s: must be %s, not %r" % (where, key, _type_name(kind), item))
            continue
        if bounds and not bounds[0] <= item <= bounds[1]:
            errors.append("%s.%s: %d is out of range %d-%d" % (where, key, item, bounds[0], bounds[1]))
        result[key] = item
    return result


def _check_health_check(check, where, platform, errors):
    if "path" in check and not check["path"].startswith("/"):
        errors.append("%s.path: must start with /, not %r" % (where, check["path"]))
    if "timeout_s" in check and "interval_s" in check and check["timeout_s"] >= check["interval_s"]:
        errors.append("%s.timeout_s: %d must be less than interval_s (%d)"
                      % (where, check["timeout_s"], check["interval_s"]))
    if platform == "aws":
        for key, (low, high) in AWS_HEALTH_CHECK_BOUNDS.items():
            if key in check and not low <= check[key] <= high:
                errors.append("%s.%s: %d is outside the ALB limits %d-%d" % (where, key, check[key], low, high))


def _check_counts(service, where, errors):
    # desired_count is the count to start with: autoscaling keeps it within min_count..max_count,
    # so a new bound outside it is a change of the bounds, not an error.
    low, high = service.get("min_count"), service.get("max_count")
    if low is not None and high is not None and low > high:
        errors.append("%s.min_count: %d is above max_count (%d)" % (where, low, high))


def _most_copies(service):
    """The most copies a service can run at once: its largest count, while it rolls out."""
    try:
        # min_count too: above desired_count and without max_count, it is the count kept.
        largest = max(int(service.get(field) or 0) for field in ("desired_count", "min_count", "max_count"))
        return rollout_bounds(largest, deployment_of(service))[1]
    except (TypeError, ValueError, KeyError):
        return 0


def _check_slots(service, where, errors):
    # On the local platform every copy needs a port of its service's block.
    most = _most_copies(service)
    if most > SLOTS_PER_SERVICE:
        errors.append("%s.deployment.maximum_percent: rolling out at the largest count would run %d copies, more "
                      "than the %d a service can have; lower maximum_percent or max_count" % (where, most, SLOTS_PER_SERVICE))


def _check_environment(service, where, errors):
    for field in ("environment", "endpoints"):
        for key, value in service.get(field, {}).items():
            if not isinstance(key, str) or not ENV_NAME.match(key):
                errors.append("%s.%s: %r is not a valid environment variable name" % (where, field, key))
            if not isinstance(value, str):
                errors.append("%s.%s.%s: must be a string, not %r" % (where, field, key, value))


def check_cluster(cluster, platform, errors):
    if not isinstance(cluster, str) or not CLUSTER_NAME.match(cluster):
        errors.append("ecs_cluster_name: %r must be 2-24 lowercase letters, digits and dashes, starting "
                      "with a letter" % (cluster,))
        return
    if platform == "aws":
        for suffix in AWS_LOAD_BALANCER_SUFFIXES:
            if len(cluster + suffix) > AWS_ELB_NAME_MAX:
                errors.append("ecs_cluster_name: the load balancer name %r is longer than %d characters"
                              % (cluster + suffix, AWS_ELB_NAME_MAX))
        if cluster.lower().startswith(AWS_RESERVED_PREFIXES):
            errors.append("ecs_cluster_name: the capacity provider name %r may not start with %s"
                          % (cluster + AWS_CAPACITY_PROVIDER_SUFFIX, ", ".join(AWS_RESERVED_PREFIXES)))


def validate(services, cluster, platform="local"):
    """Check a service list for a platform.

    Returns (services, errors): the list with defaults filled in, and one message per problem,
    each naming the field (``ecs_services[1] (frontend).health_check.timeout_s: ...``).
    """
    errors = []
    if platform not in PLATFORMS:
        errors.append("ecs_platform: %r is not one of %s" % (platform, ", ".join(PLATFORMS)))
    check_cluster(cluster, platform, errors)
    if not isinstance(services, list) or not services:
        errors.append("ecs_services: must be a non-empty list of services, not %r" % (services,))
        return [], errors

    checked = []
    for position, raw in enumerate(services):
        label = raw.get("name") if isinstance(raw, dict) else None
        where = "ecs_services[%d]%s" % (position, " (%s)" % label if isinstance(label, str) else "")
        service = _check_fields(raw, SERVICE_FIELDS, where, errors)
        if "name" in service and not SERVICE_NAME.match(service["name"]):
            errors.append("%s.name: %r must be 2-32 lowercase letters, digits and dashes, starting with a letter"
                          % (where, service["name"]))
        if "health_check" in service:
            service["health_check"] = _check_fields(service["health_check"], HEALTH_CHECK_FIELDS,
                                                    where + ".health_check", errors)
            _check_health_check(service["health_check"], where + ".health_check", platform, errors)
        _check_counts(service, where, errors)
        if "deployment" in service:
            service["deployment"] = _check_fields(service["deployment"], DEPLOYMENT_FIELDS, where + ".deployment", errors)
        _check_slots(service, where, errors)
        if "retry_policy" in service:
            errors.extend("%s.%s" % (where, problem.split(": ", 1)[1]) for problem in policy_problems(service))
        _check_environment(service, where, errors)
        if platform == "aws" and service.get("name") == SIDECAR_NAME:
            errors.append("%s.name: %r is the name of the retry proxy the AWS tasks carry (its container and ECR "
                          "repository): name the service otherwise" % (where, SIDECAR_NAME))
        if platform == "aws" and isinstance(cluster, str) and "name" in service:
            target_group = "%s-%s" % (cluster, service["name"])
            if len(target_group) > AWS_ELB_NAME_MAX:
                errors.append("%s.name: the target group name %r is longer than %d characters"
                              % (where, target_group, AWS_ELB_NAME_MAX))
        checked.append(service)

    names = [s["name"] for s in checked if "name" in s]
    for name in sorted(set(n for n in names if names.count(n) > 1)):
        errors.append("ecs_services: the name %r is used more than once" % name)
    ports = [s["listener_port"] for s in checked if "listener_port" in s]
    for port in sorted(set(p for p in ports if ports.count(p) > 1)):
        errors.append("ecs_services: listener_port %d is used more than once" % port)
    if not any(s.get("public") for s in checked):
        errors.append("ecs_services: no service has public: true; one must face the clients")
    for position, service in enumerate(checked):
        for variable, target in service.get("endpoints", {}).items():
            if isinstance(target, str) and target not in names:
                errors.append("ecs_services[%d] (%s).endpoints.%s: %r is not a service of the list (%s)"
                              % (position, service.get("name"), variable, target, ", ".join(names)))
    return checked, errors


def local_slots(services, cluster, port_base, reachable_only=False):
    """The slots of every service on the local platform: name, service, slot and host port.

    A slot is where a copy can run: port_base + 100 * (position of the service in the list) +
    slot. The load balancer knows every slot; reachable_only keeps the slots a service can use,
    at its largest count while it rolls out (the ports preflight checks).
    """
    slots = []
    for position, service in enumerate(services):
        count = _most_copies(service) if reachable_only else SLOTS_PER_SERVICE
        if count > SLOTS_PER_SERVICE:
            raise ValueError("%s can run %d copies at once, more than the %d of its port block"
                             % (service["name"], count, SLOTS_PER_SERVICE))
        for slot in range(count):
            slots.append({
                "name": copy_name(cluster, service["name"], slot),
                "service": service["name"],
                "slot": slot,
                "port": slot_port(port_base, position, slot),
            })
    return slots
