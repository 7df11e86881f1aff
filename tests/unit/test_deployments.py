"""Whether a service runs the revision build gave it: from what ECS describes, or what the local service controller reports."""
import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.deployments import (
    configuration_differences, deployment_configuration, deployment_state, deployment_states, local_outcome,
    local_outcomes)

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


# The local platform: the service controller's status.json, by service.
DEFINITION = {"name": "frontend", "revision": "3f2a9c0d11e4", "image": "127.0.0.1:5050/demo/frontend:cccc"}


def controller_status(state, revision=DEFINITION["revision"], **details):
    return {"deployment": dict(details, state=state, revision=revision, image=DEFINITION["image"], time=1000.0)}


@pytest.mark.parametrize("status, expected", [
    (None, "no deployment yet"),
    ({}, "no deployment yet"),
    ({"in_service": 3}, "no deployment yet"),
    # The controller still reports the previous revision, even as done: this one has yet to start.
    (controller_status("COMPLETED", revision="0123456789ab"), "COMPLETED"),
    (controller_status("FAILED", revision="0123456789ab"), "FAILED"),
    (controller_status("IN_PROGRESS"), "IN_PROGRESS"),
])
def test_local_outcome_in_progress(status, expected):
    outcome = local_outcome(status, DEFINITION)
    assert outcome["service"] == "frontend" and outcome["state"] == "IN_PROGRESS"
    assert outcome["message"] == ("frontend: revision 3f2a9c0d11e4 (127.0.0.1:5050/demo/frontend:cccc) is still rolling "
                                  "out; the service controller's status: %s" % expected)


def test_local_outcome_completed():
    assert local_outcome(controller_status("COMPLETED"), DEFINITION) == {
        "service": "frontend", "state": "COMPLETED", "message": "frontend: revision 3f2a9c0d11e4 is in service"}


BOUNDED = dict(DEFINITION, min_count=30, max_count=30)


@pytest.mark.parametrize("status, state, message", [
    # New bounds: done only once the controller has them and as many copies are in service,
    # as ECS is stable only once the running count is the desired count.
    (dict(controller_status("COMPLETED"), in_service=10, min_count=10, max_count=10), "IN_PROGRESS",
     "frontend: revision 3f2a9c0d11e4 is in service on 10 copies; the service controller has yet to take the "
     "bounds 30-30"),
    (dict(controller_status("COMPLETED"), in_service=14, min_count=30, max_count=30), "IN_PROGRESS",
     "frontend: revision 3f2a9c0d11e4 is in service on 14 copies, fewer than the 30 at least"),
    (dict(controller_status("COMPLETED"), in_service=30, min_count=30, max_count=30), "COMPLETED",
     "frontend: revision 3f2a9c0d11e4 is in service"),
    # A status from before the controller counted copies: the revision alone decides.
    (controller_status("COMPLETED"), "COMPLETED", "frontend: revision 3f2a9c0d11e4 is in service"),
])
def test_local_outcome_completed_waits_for_the_copies_the_bounds_ask(status, state, message):
    assert local_outcome(status, BOUNDED) == {"service": "frontend", "state": state, "message": message}


FAILED_WITH_ROLLBACK = controller_status(
    "FAILED", rolled_back_to="revision 0123456789ab (127.0.0.1:5050/demo/frontend:bbbb)",
    reason="demo-frontend-12 did not pass its health check (GET /) 2 times in a row within 20 s "
           "(demo-frontend-12 has exited with code 1 after 4 restarts)",
    copy="demo-frontend-12", logs=["Traceback (most recent call last):", "ModuleNotFoundError: No module named 'app'"])


def test_local_outcome_failed_and_rolled_back_says_everything():
    outcome = local_outcome(FAILED_WITH_ROLLBACK, DEFINITION)
    assert outcome["state"] == "FAILED"
    message = outcome["message"]
    for part in ("the new version 127.0.0.1:5050/demo/frontend:cccc (revision 3f2a9c0d11e4) was refused",
                 "it was rolled back to revision 0123456789ab (127.0.0.1:5050/demo/frontend:bbbb), which keeps serving",
                 FAILED_WITH_ROLLBACK["deployment"]["reason"],
                 "Last log lines of demo-frontend-12:\n    Traceback (most recent call last):\n"
                 "    ModuleNotFoundError: No module named 'app'",
                 "Fix the image or the service list and run build again."):
        assert part in message, message
    assert message.startswith("frontend: ")


def test_local_outcome_failed_without_a_version_to_go_back_to_or_log_lines():
    status = controller_status("FAILED", rolled_back_to=None, reason="podman run failed (exit 125): image not known",
                               copy=None, logs=[])
    message = local_outcome(status, DEFINITION)["message"]
    assert "there was no earlier version to roll back to, so the service runs no copy" in message
    assert "podman run failed (exit 125): image not known" in message
    assert "Its copy wrote no log lines." in message and "Last log lines" not in message


def test_local_outcome_failed_without_a_reason():
    message = local_outcome(controller_status("FAILED"), DEFINITION)["message"]
    assert "its copies did not become healthy" in message


def test_local_outcomes_in_definition_order_with_services_the_controller_has_not_seen():
    other = dict(DEFINITION, name="backend", revision="aaaaaaaaaaaa")
    outcomes = local_outcomes({"frontend": controller_status("COMPLETED")}, [other, DEFINITION])
    assert [(o["service"], o["state"]) for o in outcomes] == [("backend", "IN_PROGRESS"), ("frontend", "COMPLETED")]
    assert [o["state"] for o in local_outcomes(None, [DEFINITION])] == ["IN_PROGRESS"]


def test_deployment_configuration_from_the_list_fields():
    assert deployment_configuration(50, 150) == {
        "minimumHealthyPercent": 50, "maximumPercent": 150, "deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    assert deployment_configuration(100, 200, circuit_breaker=False, rollback=False)["deploymentCircuitBreaker"] == {
        "enable": False, "rollback": False}


@pytest.mark.parametrize("arguments, message", [
    ((101, 200), "minimum_healthy_percent"),
    ((100, 99), "maximum_percent"),
    ((100, 401), "maximum_percent"),
])
def test_deployment_configuration_refuses_percents_ecs_refuses(arguments, message):
    with pytest.raises(ValueError, match=message):
        deployment_configuration(*arguments)


def test_rollback_without_the_circuit_breaker_is_refused():
    with pytest.raises(ValueError, match="rollback needs the circuit breaker"):
        deployment_configuration(100, 200, circuit_breaker=False, rollback=True)


def test_no_differences_when_ecs_returns_what_was_asked_and_more():
    wanted = deployment_configuration(100, 200)
    current = dict(wanted, alarms={"alarmNames": [], "enable": False, "rollback": False})
    assert configuration_differences(current, wanted) == []


def test_differences_name_each_changed_field():
    current = deployment_configuration(100, 200, circuit_breaker=True, rollback=False)
    assert configuration_differences(current, deployment_configuration(50, 200)) == [
        "deploymentCircuitBreaker.rollback: False -> True", "minimumHealthyPercent: 100 -> 50"]


def test_a_configuration_ecs_did_not_return_counts_as_its_defaults():
    assert configuration_differences({}, deployment_configuration(100, 200, False, False)) == []
    assert configuration_differences(None, deployment_configuration(100, 200)) == [
        "deploymentCircuitBreaker.enable: False -> True", "deploymentCircuitBreaker.rollback: False -> True"]
