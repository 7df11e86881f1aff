"""Whether a service runs the revision build gave it, from what ECS describes."""
import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.deployments import deployment_state, deployment_states

OLD, NEW = "arn:aws:ecs:us-east-1:1:task-definition/demo-web:1", "arn:aws:ecs:us-east-1:1:task-definition/demo-web:2"


def service(*deployments, running=2, desired=2):
    return {"serviceName": "web", "runningCount": running, "desiredCount": desired, "deployments": [
        {"status": status, "taskDefinition": arn, "rolloutState": rollout} for status, arn, rollout in deployments]}


@pytest.mark.parametrize("described, state", [
    (service(("PRIMARY", NEW, "COMPLETED")), "stable"),
    (service(("PRIMARY", NEW, "COMPLETED"), running=1), "in_progress"),
    (service(("PRIMARY", NEW, "IN_PROGRESS"), ("ACTIVE", OLD, "COMPLETED")), "in_progress"),
    # The circuit breaker rolled back: the new revision's deployment failed, or is gone already.
    (service(("PRIMARY", OLD, "COMPLETED"), ("ACTIVE", NEW, "FAILED")), "failed"),
    (service(("PRIMARY", OLD, "COMPLETED")), "failed"),
    (service(("PRIMARY", NEW, "FAILED"), running=0), "failed"),
    ({}, "failed"),
])
def test_deployment_state(described, state):
    assert deployment_state(described, NEW) == state


def test_states_by_service_name_and_missing_services_fail():
    states = deployment_states([service(("PRIMARY", NEW, "COMPLETED"))], {"web": NEW, "api": NEW})
    assert states == {"web": "stable", "api": "failed"}
