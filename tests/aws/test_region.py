"""The region comes from one place: the stages' ecs_aws_region, and the environment the inventory reads.

- The playbooks' module_defaults reach this collection's AWS modules as well as amazon.aws's and
  community.aws's (`group/aws` alone resolves to ansible.builtin.aws, which lists only those two).
- The aws_ec2 inventory has no region of its own: without one in the environment it says so.
- A stage whose ecs_aws_region is not the region the inventory reads stops before it creates anything.
"""
import os
import subprocess

import boto3
import pytest
import yaml

from conftest import BIN, ROOT, Run
from leftovers import leftovers

OTHER_REGION = "eu-west-1"
PLAYBOOKS = ("init.yml", "artifacts.yml", "build.yml", "throughput.yml", "terminate.yml")


def client(emulator, service, region):
    # The emulator's own client, in another region (with its keys: an administrator's when requests are authorized).
    key, secret = getattr(emulator, "admin_keys", ("testing", "testing"))
    return boto3.client(service, endpoint_url=emulator.url, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret)


def plays():
    """Every play of the stages (each may run AWS modules, on the control node or delegated to it)."""
    for name in PLAYBOOKS:
        with open(os.path.join(ROOT, "playbooks", name)) as handle:
            for play in yaml.safe_load(handle):
                yield name, play


def run(emulator, command, env=None):
    proc = subprocess.run(command, cwd=ROOT, env=dict(emulator.env, **(env or {})), capture_output=True,
                          text=True, timeout=600, check=False)
    return Run(proc)


@pytest.fixture(scope="module")
def aws(emulator):
    emulator.reset()
    return emulator


def test_every_stage_gives_the_same_region_to_every_aws_module(aws, tmp_path):
    defaults = [play.get("module_defaults") for name, play in plays()]
    assert defaults and all(d == defaults[0] for d in defaults), defaults
    # Something in the other region only, for a module of each collection to find.
    client(aws, "ec2", OTHER_REGION).create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "probe", "Value": "region"}]}])
    client(aws, "ecs", OTHER_REGION).register_task_definition(
        family="region-probe", containerDefinitions=[{"name": "web", "image": "web", "memory": 64}])
    client(aws, "ecr", OTHER_REGION).create_repository(
        repositoryName="region/probe", tags=[{"Key": "probe", "Value": "region"}])
    playbook = tmp_path / "probe.yml"
    playbook.write_text(yaml.safe_dump([{
        "name": "Probe", "hosts": "control", "gather_facts": False, "module_defaults": defaults[0],
        "tasks": [
            {"name": "amazon.aws", "amazon.aws.ec2_vpc_net_info": {"filters": {"tag:probe": "region"}},
             "register": "vpcs"},
            {"name": "community.aws", "community.aws.ecs_taskdefinition_info": {"task_definition": "region-probe"},
             "register": "taskdef"},
            {"name": "loadbearing.ecs", "loadbearing.ecs.tagged_resources_info": {
                "kind": "ecr_repository", "tags": {"probe": "region"}}, "register": "repositories"},
            {"name": "Show", "ansible.builtin.debug": {"msg": "{{ {'vpcs': vpcs.vpcs | length,"
                                                              " 'taskdef': taskdef.family | default(''),"
                                                              " 'repositories': repositories.resources | length} }}"}},
        ]}]))
    # The environment names another region: only module_defaults can send the modules to eu-west-1.
    result = run(aws, [os.path.join(BIN, "ansible-playbook"), "-i", "inventory/aws", str(playbook),
                       "-e", "ecs_aws_region=" + OTHER_REGION])
    assert result.rc == 0, result.failure()
    shown = result.output.split("TASK [Show]", 1)[1]
    # Each module found what exists in eu-west-1 only.
    for line in ("vpcs: 1", "taskdef: region-probe", "repositories: 1"):
        assert line in shown, shown


@pytest.fixture(scope="module")
def builders(aws):
    """A build host of a cluster in each of two regions."""
    for region in ("us-east-1", OTHER_REGION):
        ec2 = client(aws, "ec2", region)
        image = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}])["Images"][0]
        ec2.run_instances(ImageId=image["ImageId"], MinCount=1, MaxCount=1, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "loadbearing:cluster", "Value": "probe"},
                                                  {"Key": "role", "Value": "builder"}]}])


def inventory(aws, **env):
    environment = dict(aws.env, **env)
    for name in [name for name, value in environment.items() if value is None]:
        del environment[name]
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", "inventory/aws", "--list"], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    hostvars = yaml.safe_load(proc.stdout)["_meta"]["hostvars"]
    # ansible-inventory marks templated values: {"__ansible_unsafe": "eu-west-1"}.
    regions = [v["ansible_aws_ssm_region"] for v in hostvars.values() if "ansible_aws_ssm_region" in v]
    return [r.get("__ansible_unsafe", r) if isinstance(r, dict) else r for r in regions], proc.stderr


def test_inventory_without_a_region_says_so_and_finds_nothing(aws, builders):
    # Not us-east-1's hosts by default: nothing, and the reason.
    regions, stderr = inventory(aws, AWS_REGION=None, AWS_DEFAULT_REGION=None)
    assert regions == []
    assert "No AWS region for the inventory inventory/aws/aws_ec2.yml: export AWS_REGION" in stderr, stderr[-2000:]
    run = aws.playbook("init.yml", env={"AWS_REGION": "", "AWS_DEFAULT_REGION": ""})
    assert run.rc != 0
    assert "No AWS region. Export AWS_REGION" in run.failure(), run.failure()
    assert leftovers(aws, "demo") == {}


def test_inventory_reads_the_region_of_the_environment(aws, builders):
    regions = inventory(aws, AWS_REGION=OTHER_REGION, AWS_DEFAULT_REGION=None)[0]
    assert regions == [OTHER_REGION]
    regions = inventory(aws, AWS_REGION=None, AWS_DEFAULT_REGION=OTHER_REGION)[0]
    assert regions == [OTHER_REGION]


def test_a_stage_in_another_region_than_the_inventory_stops_before_creating_anything(aws):
    # ecs_aws_region set in group_vars (or -e) while the environment, which the inventory reads, says us-east-1.
    result = aws.playbook("init.yml", "-e", "ecs_aws_region=" + OTHER_REGION)
    assert result.rc != 0
    failure = result.failure()
    assert "ecs_aws_region is %s" % OTHER_REGION in failure, failure
    assert "us-east-1" in failure and "export AWS_REGION=%s" % OTHER_REGION in failure, failure
    assert leftovers(aws, "demo") == {}
    other = client(aws, "ec2", OTHER_REGION).describe_vpcs(
        Filters=[{"Name": "tag:loadbearing:cluster", "Values": ["demo"]}])["Vpcs"]
    assert other == []
