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
