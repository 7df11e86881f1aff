"""The service list's one schema: every rule, per platform, with the message each gives."""
import copy
import os

import pytest
import yaml

from ansible_collections.loadbearing.ecs.plugins.module_utils import service_defaults
from ansible_collections.loadbearing.ecs.plugins.module_utils.service_list import validate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

with open(os.path.join(ROOT, "inventory", "local", "group_vars", "all", "services.yml")) as handle:
    DEFAULT_LIST = yaml.safe_load(handle)["ecs_services"]


def changed(position, **fields):
    """The default list with fields of one service replaced (None removes the field)."""
    services = copy.deepcopy(DEFAULT_LIST)
    for key, value in fields.items():
        if "." in key:
            outer, inner = key.split(".")
            target, key = services[position][outer], inner
        else:
            target = services[position]
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return services


@pytest.mark.parametrize("platform", ["local", "aws"])
def test_the_default_list_fits_both_platforms(platform):
    services, errors = validate(DEFAULT_LIST, "demo", platform)
    assert errors == []
    assert [s["name"] for s in services] == [s["name"] for s in DEFAULT_LIST]
    assert all(s["environment"] == {} or isinstance(s["environment"], dict) for s in services)


def test_defaults_are_filled_in():
    services, errors = validate(changed(0, public=None, environment=None), "demo")
    assert errors == []
    assert services[0]["public"] is False and services[0]["environment"] == {}


@pytest.mark.parametrize("services, cluster, platform, expected", [
    (changed(1, **{"health_check.timeout_s": 5}), "demo", "local",
     "ecs_services[1] (frontend).health_check.timeout_s: 5 must be less than interval_s (5)"),
    (changed(1, **{"health_check.interval_s": 4, "health_check.timeout_s": 2}), "demo", "aws",
     "ecs_services[1] (frontend).health_check.interval_s: 4 is outside the ALB limits 5-300"),
    (changed(0, **{"health_check.healthy_threshold": 11}), "demo", "aws",
     "ecs_services[0] (backend).health_check.healthy_threshold: 11 is outside the ALB limits 2-10"),
    (changed(0, **{"health_check.unhealthy_threshold": 1}), "demo", "aws",
     "ecs_services[0] (backend).health_check.unhealthy_threshold: 1 is outside the ALB limits 2-10"),
    (changed(0, name="a-service-name-of-twenty-eight"), "demo", "aws",
     "target group name 'demo-a-service-name-of-twenty-eight' is longer than 32 characters"),
    (changed(0, name="retry-proxy", endpoints=None), "demo", "aws",
     "ecs_services[0] (retry-proxy).name: 'retry-proxy' is the name of the retry proxy the AWS tasks carry"),
    (DEFAULT_LIST, "a-cluster-name-of-twenty", "aws",
     "the load balancer name 'a-cluster-name-of-twenty-internal' is longer than 32 characters"),
    (DEFAULT_LIST, "ecsdemo", "aws", "the capacity provider name 'ecsdemo-hosts' may not start with"),
    (DEFAULT_LIST, "Demo", "local", "ecs_cluster_name: 'Demo' must be 2-24 lowercase"),
    (changed(1, name="backend"), "demo", "local", "the name 'backend' is used more than once"),
    (changed(1, listener_port=8081), "demo", "local", "listener_port 8081 is used more than once"),
    (changed(1, public=False), "demo", "local", "no service has public: true"),
    (changed(1, endpoints={"BACKEND_URL": "database"}), "demo", "local",
     "ecs_services[1] (frontend).endpoints.BACKEND_URL: 'database' is not a service of the list"),
    (changed(1, endpoints={"backend-url": "backend"}), "demo", "local", "'backend-url' is not a valid environment"),
    (changed(0, desired_count=100), "demo", "local", "ecs_services[0] (backend).desired_count: 100 is out of range 0-99"),
    (changed(0, desired_count="2"), "demo", "local", "desired_count: must be a whole number, not '2'"),
    (changed(0, public="yes"), "demo", "local", "public: must be true or false, not 'yes'"),
    (changed(0, port=True), "demo", "local", "port: must be a whole number, not True"),
    (changed(1, min_count=12, max_count=11), "demo", "local", "min_count: 12 is above max_count (11)"),
    (changed(1, command=None), "demo", "local", "ecs_services[1] (frontend).command: required"),
    (changed(1, replicas=3), "demo", "local", "ecs_services[1] (frontend).replicas: unknown field"),
    (changed(0, **{"health_check.path": "health"}), "demo", "local", "health_check.path: must start with /"),
    (changed(0, name="Backend_1"), "demo", "local", "name: 'Backend_1' must be 2-32 lowercase"),
    ([], "demo", "local", "ecs_services: must be a non-empty list"),
    (["backend"], "demo", "local", "ecs_services[0]: must be a mapping"),
])
def test_each_rule_names_the_field(services, cluster, platform, expected):
    errors = validate(services, cluster, platform)[1]
    assert any(expected in error for error in errors), errors


def test_aws_limits_do_not_apply_locally():
    services = changed(1, **{"health_check.interval_s": 2, "health_check.timeout_s": 1,
                             "health_check.healthy_threshold": 1})
    assert validate(services, "ecsdemo", "local")[1] == []
    assert len(validate(services, "ecsdemo", "aws")[1]) == 4


def test_every_problem_is_reported_at_once():
    services = changed(1, listener_port=8081, command=None, **{"health_check.timeout_s": 9})
    errors = validate(services, "demo", "local")[1]
    assert len(errors) == 3, errors


@pytest.mark.parametrize("fields, expected", [
    ({"retry_policy": {"attempts": 9}}, "ecs_services[0] (backend).retry_policy.attempts must be a whole number from 1 to 5"),
    ({"retry_policy": {"retries": 2}}, "ecs_services[0] (backend).retry_policy has no field retries"),
    ({"retry_policy": {"on_body": "("}}, "ecs_services[0] (backend).retry_policy.on_body is not a valid regular expression"),
    ({"concurrency": 0}, "ecs_services[0] (backend).concurrency: 0 is out of range"),
])
def test_retry_policy_and_concurrency_are_checked(fields, expected):
    errors = validate(changed(0, **fields), "demo", "local")[1]
    assert any(expected in error for error in errors), errors


@pytest.mark.parametrize("fields, expected", [
    ({"scale_out_cooldown_s": -1}, "ecs_services[1] (frontend).scale_out_cooldown_s: -1 is out of range 0-86400"),
    ({"scale_in_cooldown_s": 86401}, "ecs_services[1] (frontend).scale_in_cooldown_s: 86401 is out of range 0-86400"),
    ({"scale_in_cooldown_s": "60"}, "ecs_services[1] (frontend).scale_in_cooldown_s: must be a whole number, not '60'"),
    ({"deployment": "rolling"}, "ecs_services[1] (frontend).deployment: must be a mapping, not 'rolling'"),
    ({"deployment.minimum_healthy_percent": 101},
     "ecs_services[1] (frontend).deployment.minimum_healthy_percent: 101 is out of range 0-100"),
    ({"deployment.minimum_healthy_percent": -1},
     "ecs_services[1] (frontend).deployment.minimum_healthy_percent: -1 is out of range 0-100"),
    ({"deployment.maximum_percent": 99}, "ecs_services[1] (frontend).deployment.maximum_percent: 99 is out of range 100-400"),
    ({"deployment.maximum_percent": 401}, "ecs_services[1] (frontend).deployment.maximum_percent: 401 is out of range 100-400"),
    ({"deployment.maximum_percent": True}, "ecs_services[1] (frontend).deployment.maximum_percent: must be a whole number, not True"),
    ({"deployment.batch_size": 2}, "ecs_services[1] (frontend).deployment.batch_size: unknown field"),
    # Every copy needs a slot of the service's 100 ports, old and new ones while rolling out.
    ({"max_count": 51}, "ecs_services[1] (frontend).deployment.maximum_percent: rolling out at the largest count "
                        "would run 102 copies, more than the 100 a service can have; lower maximum_percent or max_count"),
    ({"max_count": 34, "deployment.maximum_percent": 300}, "would run 102 copies, more than the 100"),
    # Without max_count, min_count above desired_count is the count the service keeps.
    ({"max_count": None, "min_count": 60}, "would run 120 copies, more than the 100"),
])
def test_scaling_and_deployment_fields_are_checked(fields, expected):
    errors = validate(changed(1, **fields), "demo", "local")[1]
    assert any(expected in error for error in errors), errors


@pytest.mark.parametrize("fields", [
    {"scale_out_cooldown_s": 0, "scale_in_cooldown_s": 86400},
    {"deployment": {"minimum_healthy_percent": 0, "maximum_percent": 100}},
    {"deployment": {"minimum_healthy_percent": 50}},
    {"deployment": {}},
    {"deployment": None},
    {"max_count": 50},
    {"max_count": 99, "deployment": {"maximum_percent": 100}},
    {"max_count": 66, "deployment": {"maximum_percent": 150}},
])
def test_scaling_and_deployment_fields_within_their_limits(fields):
    services, errors = validate(changed(1, **fields), "demo", "local")
    assert errors == []
    # What the service gives, the table's defaults filling the rest.
    assert services[1]["deployment"] == dict(service_defaults.DEPLOYMENT, **(fields.get("deployment") or {}))


def test_every_default_of_the_table_is_filled_in():
    check = {"path": "/", "interval_s": 5, "timeout_s": 2, "healthy_threshold": 2, "unhealthy_threshold": 2}
    bare = {"name": "api", "source": "api", "command": "python3 /app/api.py", "port": 8080, "listener_port": 8080,
            "public": True, "desired_count": 2, "health_check": check}
    (service,), errors = validate([bare], "demo", "aws")
    assert errors == []
    assert service["deployment"] == {"minimum_healthy_percent": 100, "maximum_percent": 200}
    assert {key: service[key] for key in service_defaults.SCALING} == {
        "requests_per_target": 420, "scale_out_cooldown_s": 15, "scale_in_cooldown_s": 60}
    # Absent, not defaulted: a max_count is what makes a service scale, and a policy is optional.
    assert "max_count" not in service and "min_count" not in service and "retry_policy" not in service
    # The table is copied, never shared: a caller's change to one service touches no other.
    service["deployment"]["maximum_percent"] = 150
    assert service_defaults.DEPLOYMENT["maximum_percent"] == 200


def test_the_slot_check_applies_on_both_platforms():
    errors = validate(changed(0, desired_count=60), "demo", "aws")[1]
    assert errors == ["ecs_services[0] (backend).deployment.maximum_percent: rolling out at the largest count would "
                      "run 120 copies, more than the 100 a service can have; lower maximum_percent or max_count"]
