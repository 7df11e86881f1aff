# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where an ECS service's deployment of a task-definition revision stands. Standard library only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.loadbearing.ecs.plugins.module_utils import service_defaults


def deployment_state(service, task_definition_arn):
    """stable, in_progress or failed, for the deployment of task_definition_arn in a described service.

    stable: the PRIMARY deployment runs that revision, its rollout is COMPLETED and the service
    runs its desired count. failed: the deployment of that revision FAILED, or no deployment
    carries it any more (the circuit breaker rolled back to an earlier revision).
    """
    deployments = service.get("deployments") or []
    ours = [d for d in deployments if d.get("taskDefinition") == task_definition_arn]
    if not ours or any(d.get("rolloutState") == "FAILED" for d in ours):
        return "failed"
    primary = [d for d in ours if d.get("status") == "PRIMARY"]
    if primary and primary[0].get("rolloutState") == "COMPLETED" \
            and service.get("runningCount") == service.get("desiredCount"):
        return "stable"
    return "in_progress"


def deployment_states(services, task_definitions):
    """{service name: state} for described services and {service name: expected revision ARN}."""
    described = dict((s.get("serviceName"), s) for s in services or [])
    return dict((name, deployment_state(described.get(name, {}), arn)) for name, arn in task_definitions.items())


def local_outcome(status, definition):
    """Where the local service controller's deployment of a definition stands, with a message.

    status: the controller's status of the service (status.json), or None. The state is
    COMPLETED (the revision in service, on at least min_count copies), FAILED (rolled back) or
    IN_PROGRESS (also while the controller has not seen the revision or the bounds yet).
    """
    name, revision = definition["name"], definition["revision"]
    deployment = (status or {}).get("deployment") or {}
    if deployment.get("revision") != revision or deployment.get("state") not in ("COMPLETED", "FAILED"):
        return {"service": name, "state": "IN_PROGRESS",
                "message": "%s: revision %s (%s) is still rolling out; the service controller's status: %s"
                           % (name, revision, definition["image"], deployment.get("state") or "no deployment yet")}
    if deployment["state"] == "COMPLETED":
        return _completed_outcome(status, definition)
    if deployment.get("rolled_back_to"):
        outcome = "it was rolled back to %s, which keeps serving" % deployment["rolled_back_to"]
    else:
        outcome = "there was no earlier version to roll back to, so the service runs no copy"
    lines = deployment.get("logs") or []
    logs = ("Last log lines of %s:\n    %s" % (deployment.get("copy"), "\n    ".join(lines))) if lines \
        else "Its copy wrote no log lines."
    return {"service": name, "state": "FAILED",
            "message": "%s: the new version %s (revision %s) was refused and %s. %s. %s Fix the image or the "
                       "service list and run build again." % (name, definition["image"], revision, outcome,
                                                              deployment.get("reason", "its copies did not become healthy"), logs)}


def _completed_outcome(status, definition):
    """COMPLETED once the copies the bounds ask for are in service too (ECS: running = desired)."""
    name, revision = definition["name"], definition["revision"]
    wanted = definition.get("min_count"), definition.get("max_count")
    if "in_service" in status and None not in wanted:
        if (status.get("min_count"), status.get("max_count")) != wanted:
            return {"service": name, "state": "IN_PROGRESS",
                    "message": "%s: revision %s is in service on %d copies; the service controller has yet to take "
                               "the bounds %d-%d" % ((name, revision, status["in_service"]) + wanted)}
        if status["in_service"] < wanted[0]:
            return {"service": name, "state": "IN_PROGRESS",
                    "message": "%s: revision %s is in service on %d copies, fewer than the %d at least"
                               % (name, revision, status["in_service"], wanted[0])}
    return {"service": name, "state": "COMPLETED", "message": "%s: revision %s is in service" % (name, revision)}


def local_outcomes(statuses, definitions):
    """local_outcome of each definition, in order, from the controller's status of every service."""
    return [local_outcome((statuses or {}).get(d["name"]), d) for d in definitions]


# What ECS uses for a rolling-update service that names none, and what the service list defaults to.
DEFAULT_MINIMUM_HEALTHY_PERCENT = service_defaults.DEPLOYMENT["minimum_healthy_percent"]
DEFAULT_MAXIMUM_PERCENT = service_defaults.DEPLOYMENT["maximum_percent"]


def deployment_configuration(minimum_healthy_percent, maximum_percent, circuit_breaker=True, rollback=True):
    """An ECS deploymentConfiguration: the percents, and the circuit breaker with or without rollback."""
    for field, value in (("minimum_healthy_percent", minimum_healthy_percent), ("maximum_percent", maximum_percent)):
        low, high = service_defaults.DEPLOYMENT_BOUNDS[field]
        if not low <= value <= high:
            raise ValueError("%s must be from %d to %d, not %r" % (field, low, high, value))
    if rollback and not circuit_breaker:
        raise ValueError("rollback needs the circuit breaker")
    return {
        "minimumHealthyPercent": minimum_healthy_percent,
        "maximumPercent": maximum_percent,
        "deploymentCircuitBreaker": {"enable": bool(circuit_breaker), "rollback": bool(rollback)},
    }


def configuration_differences(current, wanted):
    """The fields of an ECS deploymentConfiguration that differ, as `name: current -> wanted`.

    Only the fields `wanted` names count: ECS may return more (alarms, for example). A field ECS
    does not return is compared with its default.
    """
    current = current or {}
    defaults = {"minimumHealthyPercent": DEFAULT_MINIMUM_HEALTHY_PERCENT, "maximumPercent": DEFAULT_MAXIMUM_PERCENT,
                "deploymentCircuitBreaker": {"enable": False, "rollback": False}}
    differences = []
    for field in sorted(wanted):
        if field == "deploymentCircuitBreaker":
            have = dict(defaults[field], **(current.get(field) or {}))
            for flag in sorted(wanted[field]):
                if bool(have.get(flag)) != bool(wanted[field][flag]):
                    differences.append("%s.%s: %s -> %s" % (field, flag, have.get(flag), wanted[field][flag]))
        elif current.get(field, defaults.get(field)) != wanted[field]:
            differences.append("%s: %s -> %s" % (field, current.get(field, defaults.get(field)), wanted[field]))
    return differences
