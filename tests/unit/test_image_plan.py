"""The image plan: tags that name content, the same wherever the Packer directory or registry is."""
import json
import os
import shutil

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.images import image_plan

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKER = os.path.join(ROOT, "packer")
SERVICES = [
    {"name": "backend", "source": "backend", "command": "python3 /app/backend.py --port $PORT", "port": 8000},
    {"name": "frontend", "source": "frontend", "command": "python3 /app/frontend.py --port $PORT", "port": 8000},
]


@pytest.fixture
def packer_copy(tmp_path):
    copy = tmp_path / "elsewhere" / "packer"
    shutil.copytree(PACKER, str(copy), ignore=shutil.ignore_patterns("__pycache__"))
    return str(copy)


def tags(plan):
    return {image["name"]: image["tag"] for image in plan["services"]}


def test_plan_names_every_image_with_its_reference():
    plan = image_plan(SERVICES, "demo", "127.0.0.1:5050", PACKER)
    backend = plan["services"][0]
    assert backend["ref"] == "127.0.0.1:5050/demo/backend:" + backend["tag"]
    assert len(backend["tag"]) == 16 and int(backend["tag"], 16) >= 0
    assert backend["variables"]["tag"] == backend["tag"]
    assert backend["variables"]["base_image"] == plan["base"]["ref"]
    assert plan["base"]["ref"].startswith("localhost/demo/base:")
    assert tags(plan)["backend"] != tags(plan)["frontend"]


def test_tags_do_not_depend_on_the_registry_or_the_checkout(packer_copy):
    here = image_plan(SERVICES, "demo", "127.0.0.1:5050", PACKER)
    there = image_plan(SERVICES, "demo", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", packer_copy)
    assert tags(here) == tags(there)
    assert there["services"][0]["ref"].startswith("123456789012.dkr.ecr.eu-west-1.amazonaws.com/demo/backend:")


def test_a_changed_service_file_changes_only_its_tag(packer_copy):
    before = tags(image_plan(SERVICES, "demo", "r", packer_copy))
    with open(os.path.join(packer_copy, "services", "backend", "backend.py"), "a") as handle:
        handle.write("\n# changed\n")
    after = tags(image_plan(SERVICES, "demo", "r", packer_copy))
    assert after["backend"] != before["backend"]
    assert after["frontend"] == before["frontend"]


@pytest.mark.parametrize("change", ["recipe", "hook"])
def test_a_changed_base_recipe_changes_the_base_and_every_tag(packer_copy, change):
    before = image_plan(SERVICES, "demo", "r", packer_copy)
    if change == "recipe":
        path = os.path.join(packer_copy, "base", "recipe.json")
        recipe = json.load(open(path))
        recipe["packages"].append("curl")
        json.dump(recipe, open(path, "w"))
    else:
        with open(os.path.join(packer_copy, "base", "hook.sh"), "a") as handle:
            handle.write("true\n")
    after = image_plan(SERVICES, "demo", "r", packer_copy)
    assert after["base"]["ref"] != before["base"]["ref"]
    assert all(tags(after)[name] != tags(before)[name] for name in ("backend", "frontend"))


def test_a_changed_command_or_port_changes_the_tag():
    before = tags(image_plan(SERVICES, "demo", "r", PACKER))
    changed = [dict(SERVICES[0], port=9000), dict(SERVICES[1], command="python3 /app/frontend.py --port $PORT -v")]
    after = tags(image_plan(changed, "demo", "r", PACKER))
    assert after["backend"] != before["backend"] and after["frontend"] != before["frontend"]


CALLER = dict(SERVICES[1], endpoints={"BACKEND_URL": "backend"})
WITH_POLICY = [dict(SERVICES[0], retry_policy={"on_body": "^ERROR$"}), CALLER]


def test_the_retry_proxy_is_planned_where_tasks_carry_it_and_a_service_calls_a_policy():
    plan = image_plan(WITH_POLICY, "demo", "123456789012.dkr.ecr.us-east-1.amazonaws.com", PACKER, sidecar=True)
    assert [image["name"] for image in plan["services"]] == ["backend", "frontend", "retry-proxy"]
    proxy = plan["services"][2]
    assert proxy["repository"] == "demo/retry-proxy"
    assert proxy["ref"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/retry-proxy:" + proxy["tag"]
    assert proxy["source"] == "retry-proxy/app"
    assert 'CMD ["/bin/sh", "/app/start.sh"]' in proxy["variables"]["changes"]
    # Its own base, HAProxy from Debian's package, next to the services' one.
    assert [base["ref"] for base in plan["bases"]] == [plan["base"]["ref"], proxy["variables"]["base_image"]]
    assert proxy["variables"]["base_image"].startswith("localhost/demo/retry-proxy-base:")
    assert "haproxy" in plan["bases"][1]["packages"]


@pytest.mark.parametrize("services, sidecar", [
    (WITH_POLICY, False),  # the local platform runs the policy in its load balancer
    ([SERVICES[0], CALLER], True),  # nobody calls a service with a policy
    ([dict(SERVICES[0], retry_policy={}), SERVICES[1]], True),  # a policy, but no caller
])
def test_no_retry_proxy_where_no_task_carries_it(services, sidecar):
    plan = image_plan(services, "demo", "r", PACKER, sidecar=sidecar)
    assert [image["name"] for image in plan["services"]] == ["backend", "frontend"]
    assert plan["bases"] == [plan["base"]]


def test_the_retry_proxy_follows_the_shared_lua_program_and_its_base(packer_copy):
    def proxy_tag():
        return tags(image_plan(WITH_POLICY, "demo", "r", packer_copy, sidecar=True))

    before = proxy_tag()
    with open(os.path.join(packer_copy, "retry-proxy", "app", "retry_policy.lua"), "a") as handle:
        handle.write("\n-- changed\n")
    changed_program = proxy_tag()
    assert changed_program["retry-proxy"] != before["retry-proxy"]
    assert changed_program["backend"] == before["backend"] and changed_program["frontend"] == before["frontend"]
    with open(os.path.join(packer_copy, "retry-proxy", "hook.sh"), "a") as handle:
        handle.write("true\n")
    assert proxy_tag()["retry-proxy"] != changed_program["retry-proxy"]
