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
