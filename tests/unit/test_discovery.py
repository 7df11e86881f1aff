"""Local discovery and preflight's port ownership, on a recorded `podman ps --all --format json`.

The fixture was recorded on a machine running two clusters: `lead` (1 backend, 10 frontends, its
registry and HAProxy in containers) and two copies of `flt`, before the service controller
existed; CONTAINERS adds lead's controller, HAProxy's record under the controller's name and label.
"""
import copy
import json
import os

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.discovery import local_state
from ansible_collections.loadbearing.ecs.plugins.module_utils.listeners import cluster_ports

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "podman", "podman-ps-two-clusters.json")
with open(FIXTURE) as handle:
    RECORDED = json.load(handle)


def controller_of(cluster, state="running"):
    """A service controller's container: what podman lists, with the controller's name and label."""
    record = copy.deepcopy(next(c for c in RECORDED if c["Names"][0] == "lead-haproxy"))
    record.update(Names=["%s-controller" % cluster], Labels={"loadbearing.ecs.controller": cluster}, State=state)
    return record


CONTAINERS = RECORDED + [controller_of("lead")]
IMAGES = {c["Labels"]["loadbearing.ecs.service"]: c["Image"] for c in RECORDED
          if (c.get("Labels") or {}).get("loadbearing.ecs.cluster") == "lead"}
SERVICES = [
    {"name": "backend", "listener_port": 8581, "desired_count": 1},
    {"name": "frontend", "listener_port": 8580, "desired_count": 10, "public": True},
]


def planned(name, ref):
    """An image of the plan (registry-free), as the uri loop's item, for the reference it gets."""
    repository, tag = ref.split("/", 1)[1].rsplit(":", 1)
    return {"name": name, "repository": repository, "tag": tag}


def answers(serves=True, found=("backend", "frontend")):
    """What the uri loop registers: the API root, then one HEAD per planned image."""
    results = [{"item": {}, "status": 200 if serves else -1}]
    for name in ("backend", "frontend"):
        results.append({"item": planned(name, IMAGES[name]), "status": 200 if name in found else 404})
    return results


def state(registry_answers=None, containers=None, services=None, supplied=None):
    return local_state(answers() if registry_answers is None else registry_answers,
                       CONTAINERS if containers is None else containers, services or SERVICES,
                       "lead", "127.0.0.1:5650", "127.0.0.1", supplied)


def test_everything_in_place():
    found = state()
    assert found["registry"] == {"url": "127.0.0.1:5650", "ready": True}
    assert found["images"] == IMAGES and found["images_missing"] == []
    assert found["loadbalancer"]["ready"] is True
    assert found["loadbalancer"]["public_url"] == "http://127.0.0.1:8580/"
    assert found["loadbalancer"]["endpoints"]["backend"] == "http://127.0.0.1:8581/"
    assert found["services"]["ready"] is True


def test_an_image_missing_from_the_registry_is_to_build_and_its_copies_are_not_ready():
    found = state(answers(found=("backend",)))
    assert found["images_missing"] == ["frontend"]
    assert found["services"]["ready"] is False


def test_a_registry_that_does_not_serve_has_no_images():
    found = state(answers(serves=False))
    assert found["registry"]["ready"] is False
    assert found["images"] == {} and found["images_missing"] == ["backend", "frontend"]


def test_supplied_images_count_as_present():
    found = state(answers(serves=False), supplied={"backend": "example/backend:1", "frontend": "example/frontend:1"})
    assert found["images_missing"] == []
    # The copies run other images than the supplied ones: they are to be replaced.
    assert found["services"]["ready"] is False


def without(*names):
    return [c for c in CONTAINERS if c["Names"][0] not in names]


def replaced(name, **fields):
    return [dict(c, **fields) if c["Names"][0] == name else c for c in copy.deepcopy(CONTAINERS)]


@pytest.mark.parametrize("containers, ready", [
    (CONTAINERS, True),
    # How many copies run is the controller's call (it scales): one fewer is still ready.
    (without("lead-frontend-7"), True),
    # No controller, or one that does not run, or another cluster's: nothing keeps the copies.
    (without("lead-controller"), False),
    (replaced("lead-controller", State="exited"), False),
    (without("lead-controller") + [controller_of("flt")], False),
    # A service without a running copy.
    (replaced("lead-backend-0", State="exited"), False),
    (without(*["lead-frontend-%d" % index for index in range(10)]), False),
    # A copy of another image: a rollout (or its rollback) is under way.
    (replaced("lead-frontend-3", Image=IMAGES["frontend"][:-4] + "0000"), False),
])
def test_services_are_ready_when_the_controller_runs_copies_of_the_planned_images_only(containers, ready):
    assert state(containers=containers)["services"]["ready"] is ready


def test_the_count_is_the_controllers():
    services = [dict(SERVICES[0]), dict(SERVICES[1], desired_count=11)]
    assert state(services=services)["services"]["ready"] is True


def test_a_service_at_zero_copies():
    idle = [dict(SERVICES[0], desired_count=0), SERVICES[1]]
    assert state(services=idle, containers=without("lead-backend-0"))["services"]["ready"] is True
    # Copies of a service that should have none: the controller has yet to remove them.
    assert state(services=idle)["services"]["ready"] is False


@pytest.mark.parametrize("bounds, containers, ready", [
    # Scaled with min_count 0: the controller may have scaled it in to no copy at all.
    ({"desired_count": 1, "min_count": 0, "max_count": 4}, without("lead-backend-0"), True),
    ({"desired_count": 1, "min_count": 0, "max_count": 4}, CONTAINERS, True),
    # desired_count 0 within bounds from 1: the controller keeps at least one copy.
    ({"desired_count": 0, "min_count": 1, "max_count": 4}, CONTAINERS, True),
    ({"desired_count": 0, "min_count": 1, "max_count": 4}, without("lead-backend-0"), False),
])
def test_a_scaled_service_is_ready_at_any_count_within_its_bounds(bounds, containers, ready):
    services = [dict(SERVICES[0], **bounds), SERVICES[1]]
    assert state(services=services, containers=containers)["services"]["ready"] is ready


def test_a_new_service_without_copies_is_not_ready():
    services = SERVICES + [{"name": "worker", "listener_port": 8582, "desired_count": 1}]
    answers_with_worker = answers() + [{"item": planned("worker", "127.0.0.1:5650/lead/worker:1"), "status": 200}]
    found = state(answers_with_worker, services=services)
    assert found["images"]["worker"] == "127.0.0.1:5650/lead/worker:1"
    assert found["services"]["ready"] is False


def test_the_other_clusters_containers_do_not_count():
    only_flt = [c for c in CONTAINERS if c["Names"][0].startswith("flt-")]
    found = state(containers=only_flt)
    assert found["loadbalancer"]["ready"] is False and found["services"]["ready"] is False


def test_no_podman_output_means_nothing_runs():
    found = state(containers=[])
    assert found["loadbalancer"]["ready"] is False and found["services"]["ready"] is False


def test_cluster_ports_by_label():
    ports = cluster_ports(CONTAINERS, "lead", 5650, [8580, 8581])
    assert ports == [5650, 8580, 8581, 26000] + list(range(26100, 26110))
    assert cluster_ports(CONTAINERS, "flt", 5550, [8480, 8481]) == [25000, 25100]
    assert cluster_ports([], "lead", 5650, [8580]) == []


# AWS: the shapes the info modules return (amazon.aws / community.aws RETURN), trimmed to what is read.
def aws_answers(vpc=True, lbs=("internal", "internet-facing"), images=(True, True), active=("backend", "frontend")):
    tag = {"loadbearing:cluster": "demo"}
    registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    return {
        "vpcs": {"vpcs": [{"id": "vpc-1", "tags": tag}] if vpc else []},
        "subnets": {"subnets": [
            {"id": "subnet-b-priv", "availability_zone": "eu-west-1b", "tags": dict(tag, **{"loadbearing:tier": "private"})},
            {"id": "subnet-a-pub", "availability_zone": "eu-west-1a", "tags": dict(tag, **{"loadbearing:tier": "public"})},
            {"id": "subnet-a-priv", "availability_zone": "eu-west-1a", "tags": dict(tag, **{"loadbearing:tier": "private"})},
        ]} if vpc else {"skipped": True},
        "groups": {"security_groups": [{"group_name": "demo-hosts", "group_id": "sg-h"},
                                       {"group_name": "demo-public-lb", "group_id": "sg-p"}]} if vpc else {"skipped": True},
        "roles": {"iam_roles": [{"role_name": "demo-eu-west-1-task-execution", "arn": "arn:aws:iam::1:role/x/demo-eu-west-1-task-execution"},
                                {"role_name": "demo-eu-west-1-builder", "arn": "arn:aws:iam::1:role/x/demo-eu-west-1-builder"}]},
        "profiles": {"iam_instance_profiles": [{"instance_profile_name": "demo-eu-west-1-builder"}]},
        "ecr": {"registry": registry, "images": [
            {"repository": "demo/backend", "tag": "a" * 16, "repository_exists": True, "image_exists": images[0],
             "uri": registry + "/demo/backend:" + "a" * 16},
            {"repository": "demo/frontend", "tag": "b" * 16, "repository_exists": True, "image_exists": images[1],
             "uri": registry + "/demo/frontend:" + "b" * 16}]},
        "albs": {"load_balancers": [{"scheme": scheme, "dns_name": "%s.elb.example" % scheme, "tags": tag} for scheme in lbs]
                 + [{"scheme": "internet-facing", "dns_name": "other.elb.example", "tags": {"loadbearing:cluster": "other"}}]},
        "target_groups": {"target_groups": [{"target_group_name": "demo-" + name, "target_group_arn": "arn:tg/" + name, "tags": tag}
                                            for name in ("backend", "frontend")]},
        "services": {"services": [{"serviceName": name, "status": "ACTIVE"} for name in active]},
    }


def test_aws_everything_in_place():
    from ansible_collections.loadbearing.ecs.plugins.module_utils.discovery import aws_state
    found = aws_state(aws_answers(), SERVICES, "demo", "eu-west-1")
    assert found["account"] == "123456789012"
    assert found["network"]["public_subnet_ids"] == ["subnet-a-pub"]
    assert found["network"]["private_subnet_ids"] == ["subnet-a-priv", "subnet-b-priv"]
    assert found["network"]["security_groups"] == {"hosts": "sg-h", "public-lb": "sg-p"}
    assert found["iam"]["roles"]["task-execution"].endswith("demo-eu-west-1-task-execution")
    assert found["iam"]["profiles"] == {"builder": "demo-eu-west-1-builder"}
    assert found["iam"]["transfer_bucket"] == "demo-ssm-123456789012-eu-west-1"
    assert found["registry"]["ready"] and found["images_missing"] == []
    assert found["loadbalancer"]["ready"]
    assert found["loadbalancer"]["endpoints"] == {"backend": "http://internal.elb.example:8581/",
                                                  "frontend": "http://internet-facing.elb.example:8580/"}
    assert found["loadbalancer"]["target_groups"]["frontend"] == "arn:tg/frontend"
    assert found["services"]["ready"]


def test_aws_nothing_yet():
    from ansible_collections.loadbearing.ecs.plugins.module_utils.discovery import aws_state
    answers = aws_answers(vpc=False, lbs=(), images=(False, False), active=())
    answers["target_groups"] = {"target_groups": []}
    answers["ecr"]["images"] = [dict(i, repository_exists=False) for i in answers["ecr"]["images"]]
    found = aws_state(answers, SERVICES, "demo", "eu-west-1")
    assert found["network"]["vpc_id"] == "" and found["network"]["private_subnet_ids"] == []
    assert not found["registry"]["ready"] and found["images_missing"] == ["backend", "frontend"]
    assert not found["loadbalancer"]["ready"] and not found["services"]["ready"]


def test_aws_a_missing_alb_or_service_is_not_ready():
    from ansible_collections.loadbearing.ecs.plugins.module_utils.discovery import aws_state
    assert not aws_state(aws_answers(lbs=("internal",)), SERVICES, "demo", "eu-west-1")["loadbalancer"]["ready"]
    assert not aws_state(aws_answers(active=("backend",)), SERVICES, "demo", "eu-west-1")["services"]["ready"]
    partly = aws_state(aws_answers(images=(True, False)), SERVICES, "demo", "eu-west-1", {"frontend": "example/frontend:1"})
    assert partly["images_missing"] == [] and partly["images"]["frontend"] == "example/frontend:1"


def test_aws_the_retry_proxy_is_found_or_missing_like_a_service_image():
    from ansible_collections.loadbearing.ecs.plugins.module_utils.discovery import aws_state
    answers = aws_answers()
    registry = answers["ecr"]["registry"]
    proxy = {"repository": "demo/retry-proxy", "tag": "c" * 16, "repository_exists": True, "image_exists": False,
             "uri": registry + "/demo/retry-proxy:" + "c" * 16}
    answers["ecr"]["images"].append(proxy)
    found = aws_state(answers, SERVICES, "demo", "eu-west-1")
    assert found["images_missing"] == ["retry-proxy"] and "retry-proxy" not in found["images"]
    proxy["image_exists"] = True
    found = aws_state(answers, SERVICES, "demo", "eu-west-1")
    assert found["images_missing"] == [] and found["images"]["retry-proxy"] == proxy["uri"]
    # Its repository is one of the registry's: init makes it.
    proxy["repository_exists"] = False
    assert not aws_state(answers, SERVICES, "demo", "eu-west-1")["registry"]["ready"]


def test_aws_target_tracking_labels_name_each_services_alb_and_target_group():
    from ansible_collections.loadbearing.ecs.plugins.module_utils.discovery import aws_state
    answers = aws_answers()
    prefix = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
    for balancer in answers["albs"]["load_balancers"][:2]:
        name = "demo-" + ("public" if balancer["scheme"] == "internet-facing" else "internal")
        balancer["load_balancer_arn"] = prefix + "loadbalancer/app/%s/50dc6c495c0c9188" % name
    for group in answers["target_groups"]["target_groups"]:
        group["target_group_arn"] = prefix + "targetgroup/%s/73e2d6bc24d8a067" % group["target_group_name"]
    labels = aws_state(answers, SERVICES, "demo", "eu-west-1")["loadbalancer"]["resource_labels"]
    assert labels == {
        "backend": "app/demo-internal/50dc6c495c0c9188/targetgroup/demo-backend/73e2d6bc24d8a067",
        "frontend": "app/demo-public/50dc6c495c0c9188/targetgroup/demo-frontend/73e2d6bc24d8a067"}
