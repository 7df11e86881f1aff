# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where an ECS service's deployment of a task-definition revision stands. Standard library only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


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
    COMPLETED, FAILED (rolled back) or IN_PROGRESS (also while the controller has not seen the
    revision yet).
    """
    name, revision = definition["name"], definition["revision"]
    deployment = (status or {}).get("deployment") or {}
    if deployment.get("revision") != revision or deployment.get("state") not in ("COMPLETED", "FAILED"):
        return {"service": name, "state": "IN_PROGRESS",
                "message": "%s: revision %s (%s) is still rolling out; the service controller's status: %s"
                           % (name, revision, definition["image"], deployment.get("state") or "no deployment yet")}
    if deployment["state"] == "COMPLETED":
        return {"service": name, "state": "COMPLETED", "message": "%s: revision %s is in service" % (name, revision)}
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


def local_outcomes(statuses, definitions):
    """local_outcome of each definition, in order, from the controller's status of every service."""
    return [local_outcome((statuses or {}).get(d["name"]), d) for d in definitions]
