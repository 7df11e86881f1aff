"""init, build, a second run, terminate and terminate again on the AWS platform, against moto.

The tests in this module share one emulator and run in file order.
"""
import json

import pytest

from leftovers import leftovers

CLUSTER = "demo"
IMAGES = {"images_refs": {
    "backend": "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/backend:0123456789abcdef",
    "frontend": "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/frontend:fedcba9876543210",
}}
# Tasks that report a change on a second run only because of moto (see docs/aws-emulator.md).
MOTO_CHANGES_ON_RERUN = {
    # moto files NAT gateway tags under another resource type, so the module re-tags every run.
    "loadbearing.ecs.network : Create the NAT gateways",
    # moto does not store healthCheckGracePeriodSeconds, which community.aws.ecs_service compares.
    "loadbearing.ecs.services : Create or update each service",
}


@pytest.fixture(scope="module")
def emulator_clean(emulator):
    emulator.reset()
    return emulator


def test_no_credentials_stops_before_anything_is_created(emulator_clean):
    run = emulator_clean.playbook("init.yml", env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
    assert run.rc != 0
    assert "No usable AWS credentials" in run.output
    assert leftovers(emulator_clean, CLUSTER) == {}


def test_service_list_outside_aws_limits_stops_before_anything_is_created(emulator_clean, tmp_path):
    services = tmp_path / "services.json"
    services.write_text(json.dumps({"ecs_services": [{
        "name": "web", "source": "frontend", "command": "true", "port": 8000, "listener_port": 80,
        "public": True, "desired_count": 1,
        "health_check": {"path": "/", "interval_s": 1, "timeout_s": 1, "healthy_threshold": 1, "unhealthy_threshold": 2},
    }]}))
    run = emulator_clean.playbook("init.yml", "-e", "@%s" % services)
    assert run.rc != 0
    assert "does not fit AWS" in run.output
    assert leftovers(emulator_clean, CLUSTER) == {}


def test_terminate_where_init_never_ran(emulator_clean):
    run = emulator_clean.playbook("terminate.yml")
    assert run.rc == 0, run.failure()
    assert run.changed == 0, run.changed_tasks()


def test_init_creates_the_scaffolding(emulator_clean):
    run = emulator_clean.playbook("init.yml")
    assert run.rc == 0, run.failure()
    found = leftovers(emulator_clean, CLUSTER)
    assert len(found["subnets"]) == 4
    assert len(found["nat_gateways"]) == 1
    assert sorted(found["ecr_repositories"]) == ["demo/backend", "demo/frontend"]
    assert sorted(found["iam_roles"]) == ["demo-us-east-1-builder", "demo-us-east-1-ecs-host",
                                          "demo-us-east-1-loadgen", "demo-us-east-1-task-execution"]
    assert found["s3_buckets"] == ["demo-ssm-123456789012-us-east-1"]
    assert found["capacity_providers"] == ["demo-hosts"]
    assert found["ecs_clusters"] == ["demo"]
    template = emulator_clean.client("ec2").describe_launch_template_versions(LaunchTemplateName="demo-hosts")
    assert template["LaunchTemplateVersions"][0]["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"] == "required"


def test_build_deploys_behind_the_load_balancers(emulator_clean, tmp_path):
    refs = tmp_path / "images.json"
    refs.write_text(json.dumps(IMAGES))
    run = emulator_clean.playbook("build.yml", "-e", "@%s" % refs)
    assert run.rc == 0, run.failure()
    found = leftovers(emulator_clean, CLUSTER)
    assert sorted(found["load_balancers"]) == ["demo-internal", "demo-public"]
    assert sorted(found["target_groups"]) == ["demo-backend", "demo-frontend"]
    assert len(found["ecs_services"]) == 2
    assert found["scaling_policies"] == ["demo-frontend-requests"]
    ecs = emulator_clean.client("ecs")
    frontend = ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]
    assert frontend["desiredCount"] == 10
    # moto keeps no deploymentConfiguration (circuit breaker, percents): not checkable here.
    taskdef = ecs.describe_task_definition(taskDefinition=frontend["taskDefinition"])["taskDefinition"]
    container = taskdef["containerDefinitions"][0]
    assert taskdef["networkMode"] == "bridge"
    assert container["portMappings"][0]["hostPort"] == 0
    assert container["logConfiguration"]["logDriver"] == "awslogs"
    backend_url = [e["value"] for e in container["environment"] if e["name"] == "BACKEND_URL"][0]
    internal = emulator_clean.client("elbv2").describe_load_balancers(Names=["demo-internal"])["LoadBalancers"][0]
    assert backend_url == "http://%s:8081/" % internal["DNSName"]
    assert internal["Scheme"] == "internal"


def test_second_run_changes_only_what_moto_forces(emulator_clean, tmp_path):
    refs = tmp_path / "images.json"
    refs.write_text(json.dumps(IMAGES))
    for stage in ("init.yml", "build.yml"):
        run = emulator_clean.playbook(stage, "-e", "@%s" % refs)
        assert run.rc == 0, run.failure()
        assert set(run.changed_tasks()) <= MOTO_CHANGES_ON_RERUN, run.changed_tasks()


def test_rebuild_keeps_the_count_autoscaling_chose(emulator_clean, tmp_path):
    ecs = emulator_clean.client("ecs")
    ecs.update_service(cluster=CLUSTER, service="frontend", desiredCount=14)
    refs = tmp_path / "images.json"
    refs.write_text(json.dumps(IMAGES))
    run = emulator_clean.playbook("build.yml", "-e", "@%s" % refs)
    assert run.rc == 0, run.failure()
    assert ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]["desiredCount"] == 14


def test_terminate_removes_everything_then_changes_nothing(emulator_clean):
    run = emulator_clean.playbook("terminate.yml")
    assert run.rc == 0, run.failure()
    assert leftovers(emulator_clean, CLUSTER) == {}
    run = emulator_clean.playbook("terminate.yml")
    assert run.rc == 0, run.failure()
    assert run.changed == 0, run.changed_tasks()


def test_terminate_after_an_init_that_failed_half_way(emulator_clean):
    # A bad size for the Auto Scaling group: init stops after the network, IAM and ECR exist.
    run = emulator_clean.playbook("init.yml", "-e", "cluster_max_hosts=not-a-number")
    assert run.rc != 0
    assert leftovers(emulator_clean, CLUSTER) != {}
    run = emulator_clean.playbook("terminate.yml")
    assert run.rc == 0, run.failure()
    assert leftovers(emulator_clean, CLUSTER) == {}
