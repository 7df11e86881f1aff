"""The cluster's plan: one complete service list, its names and its images, from the user's directory."""
import os
import shutil

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils import naming, service_defaults
from ansible_collections.loadbearing.ecs.plugins.module_utils.plan import PlanError, cluster_names_plan, cluster_plan

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKER = os.path.join(ROOT, "packer")
CHECK = {"path": "/", "interval_s": 5, "timeout_s": 2, "healthy_threshold": 2, "unhealthy_threshold": 2}


def services():
    return [
        {"name": "backend", "source": "backend", "command": "python3 /app/backend.py --port $PORT", "port": 8000,
         "listener_port": 8081, "desired_count": 2, "concurrency": 4, "health_check": dict(CHECK),
         "retry_policy": {"attempts": 2}},
        {"name": "frontend", "source": "frontend", "command": "python3 /app/frontend.py --port $PORT", "port": 8000,
         "listener_port": 8080, "public": True, "desired_count": 3, "min_count": 2, "max_count": 6,
         "endpoints": {"BACKEND_URL": "backend"}, "health_check": dict(CHECK)},
    ]


@pytest.fixture
def user_packer(tmp_path):
    """A user's Packer directory, away from the collection: the template and base recipe copied,
    their own service sources beside them."""
    copy = tmp_path / "project" / "packer"
    shutil.copytree(PACKER, str(copy), ignore=shutil.ignore_patterns("__pycache__"))
    return str(copy)


def by_name(plan):
    return dict((service["name"], service) for service in plan["services"])


def test_every_default_of_a_service_comes_from_the_one_table():
    backend = by_name(cluster_plan(services(), "demo", "local", PACKER))["backend"]
    assert backend["deployment"] == service_defaults.DEPLOYMENT
    for field, default in service_defaults.SCALING.items():
        assert backend[field] == default
    assert backend["retry_policy"] == dict(service_defaults.RETRY_POLICY, attempts=2)
    assert backend["public"] is False and backend["environment"] == {} and backend["endpoints"] == {}


@pytest.mark.parametrize("given, count, scaled", [
    ({}, {"min": 3, "max": 3}, False),
    ({"min_count": 2, "max_count": 6}, {"min": 2, "max": 6}, True),
    # min_count above desired_count with no max_count: min_count copies, on both platforms.
    ({"min_count": 5}, {"min": 5, "max": 5}, False),
    ({"max_count": 1}, {"min": 3, "max": 3}, True),
])
def test_the_count_bounds_are_derived_once(given, count, scaled):
    listed = services()
    frontend = listed[1]
    for field in ("min_count", "max_count"):
        frontend.pop(field)
    frontend.update(given)
    planned = by_name(cluster_plan(listed, "demo", "local", PACKER))["frontend"]
    assert planned["count"] == count
    assert planned["scaled"] is scaled


def test_balancing_and_calls_are_decided_per_service_for_both_platforms():
    plan = by_name(cluster_plan(services(), "demo", "aws", PACKER, region="eu-west-1"))
    assert plan["backend"]["balance"] == {"local": "leastconn", "aws": "least_outstanding_requests"}
    assert plan["frontend"]["balance"] == {"local": "roundrobin", "aws": "round_robin"}
    assert plan["frontend"]["calls_with_retries"] == ["backend"]
    assert plan["backend"]["calls_with_retries"] == []


def test_names_labels_and_tags_come_from_the_naming_module():
    plan = cluster_plan(services(), "shop", "aws", PACKER, region="cn-north-1", account="123456789012")
    frontend = by_name(plan)["frontend"]
    assert frontend["names"] == {
        "target_group": "shop-frontend", "task_family": "shop-frontend", "scaling_policy": "shop-frontend-requests",
        "scalable_resource": "service/shop/frontend", "load_balancer": "shop-public", "repository": "shop/frontend"}
    assert plan["names"]["iam_path"] == "/loadbearing/shop/cn-north-1/"
    assert plan["names"]["iam"]["ecs-host"] == "shop-cn-north-1-ecs-host"
    assert plan["names"]["transfer_bucket"] == "shop-ssm-123456789012-cn-north-1"
    assert plan["partition"] == "aws-cn"
    assert plan["names"]["load_balancers"] == {"public": "shop-public", "internal": "shop-internal"}
    assert plan["tags"]["cluster"] == {naming.CLUSTER_TAG: "shop"}
    assert plan["tags"]["filter"] == {"tag:loadbearing:cluster": "shop"}
    assert plan["labels"]["filter"]["loadbalancer"] == "label=loadbearing.ecs.loadbalancer=shop"
    assert plan["labels"]["pair"]["controller"] == "loadbearing.ecs.controller=shop"
    assert plan["labels"]["of"]["registry"] == {"loadbearing.ecs.registry": "shop"}
    assert plan["sidecar"] is True
    assert plan["sidecar_log_prefixes"] == ["frontend-retry-proxy/"]
    assert "slots" not in plan


def test_local_slots_follow_the_list_and_the_port_base():
    plan = cluster_plan(services(), "demo", "local", PACKER, port_base=30000)
    planned = by_name(plan)
    assert plan["port_base"] == 30000
    assert planned["backend"]["first_port"] == 30000 and planned["frontend"]["first_port"] == 30100
    assert len(plan["slots"]) == 2 * service_defaults.SLOTS_PER_SERVICE
    assert plan["slots"][101] == {"name": "demo-frontend-1", "service": "frontend", "slot": 1, "port": 30101}
    # At its largest, rolling out at 200%: 12 frontend ports and 4 backend ones are reachable.
    assert plan["reachable_ports"] == list(range(30000, 30004)) + list(range(30100, 30112))
    assert cluster_plan(services(), "demo", "local", PACKER)["slots"][0]["port"] == 20000


def test_the_images_are_planned_from_the_users_directory(user_packer):
    """The tag names what the image is built from, where it is: the directory the plan is given."""
    listed = services()
    listed[1]["source"] = "shop"
    os.rename(os.path.join(user_packer, "services", "frontend"), os.path.join(user_packer, "services", "shop"))
    first = by_name(cluster_plan(listed, "demo", "local", user_packer)["images"])
    assert first["frontend"]["source"] == "services/shop"
    assert first["frontend"]["repository"] == "demo/frontend" and "ref" not in first["frontend"]
    with open(os.path.join(user_packer, "services", "shop", "frontend.py"), "a") as handle:
        handle.write("# one more line\n")
    second = by_name(cluster_plan(listed, "demo", "local", user_packer)["images"])
    assert second["frontend"]["tag"] != first["frontend"]["tag"]
    assert second["backend"]["tag"] == first["backend"]["tag"]


def test_a_source_missing_from_the_directory_is_named(user_packer):
    listed = services()
    listed[0]["source"] = "api"
    with pytest.raises(PlanError) as raised:
        cluster_plan(listed, "demo", "local", user_packer)
    assert raised.value.errors == ["ecs_services[0] (backend).source: no directory api in %s/services" % user_packer]


def test_every_problem_of_the_list_is_reported_at_once():
    listed = services()
    listed[0]["health_check"]["timeout_s"] = 9
    listed[1]["public"] = "yes"
    with pytest.raises(PlanError) as raised:
        cluster_plan(listed, "x" * 30, "aws", PACKER, region="us-east-1")
    text = str(raised.value)
    assert "ecs_cluster_name" in text
    assert "ecs_services[0] (backend).health_check.timeout_s: 9 must be less than interval_s (5)" in text
    assert "ecs_services[1] (frontend).public: must be true or false, not 'yes'" in text


def test_without_the_list_the_plan_holds_what_terminate_finds_the_cluster_by():
    whole = cluster_plan(services(), "shop", "aws", PACKER, region="eu-west-1", account="123456789012")
    names_only = cluster_names_plan("shop", "aws", "eu-west-1", "123456789012")
    assert set(names_only) == {"cluster", "platform", "region", "account", "partition", "names", "labels", "tags"}
    for key in names_only:
        assert names_only[key] == whole[key]
    with pytest.raises(PlanError, match="ecs_cluster_name"):
        cluster_names_plan("Shop!", "local")


def test_a_stop_timeout_is_a_service_field_with_its_default_in_the_table():
    listed = services()
    listed[1]["stop_timeout_s"] = 20
    planned = by_name(cluster_plan(listed, "demo", "local", PACKER))
    assert planned["backend"]["stop_timeout_s"] == service_defaults.SERVICE_FIELDS["stop_timeout_s"][2] == 5
    assert planned["frontend"]["stop_timeout_s"] == 20
    listed[1]["stop_timeout_s"] = 121
    with pytest.raises(PlanError, match=r"stop_timeout_s: 121 is out of range 0-120"):
        cluster_plan(listed, "demo", "aws", PACKER)
