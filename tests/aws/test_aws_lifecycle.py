"""init, build, a second run, terminate and terminate again on the AWS platform, against moto.

The tests in this module share one emulator and run in file order.
"""
import json
import os
import re

import pytest
import yaml

from ansible_collections.loadbearing.ecs.plugins.module_utils.images import image_plan
from conftest import ROOT
from leftovers import leftovers
from models.ecs_deployments import UNHEALTHY_IMAGE_MARKER

CLUSTER = "demo"
IMAGES = {"ecs_images": {
    "backend": "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/backend:0123456789abcdef",
    "frontend": "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/frontend:fedcba9876543210",
}}


def service_list():
    with open(os.path.join(ROOT, "inventory", "aws", "group_vars", "all", "services.yml")) as handle:
        return yaml.safe_load(handle)["ecs_services"]


def push_the_retry_proxy(emulator):
    """What artifacts' build host pushes (moto stores no layers): the retry proxy's manifest under
    the tag the plan gives it, in the repository init made. Returns the planned reference."""
    registry = "%s.dkr.ecr.us-east-1.amazonaws.com" % emulator.client("sts").get_caller_identity()["Account"]
    planned = image_plan(service_list(), CLUSTER, registry, os.path.join(ROOT, "packer"), sidecar=True)["services"]
    proxy = [image for image in planned if image["name"] == "retry-proxy"][0]
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"digest": "sha256:" + "c" * 64, "size": 1,
                           "mediaType": "application/vnd.docker.container.image.v1+json"}, "layers": []}
    emulator.client("ecr").put_image(repositoryName=proxy["repository"], imageManifest=json.dumps(manifest),
                                     imageTag=proxy["tag"])
    return proxy["ref"]


def environment(container):
    return dict((pair["name"], pair["value"]) for pair in container.get("environment", []))


def expected_deployment(service):
    deployment = service.get("deployment") or {}
    return {"minimumHealthyPercent": deployment.get("minimum_healthy_percent", 100),
            "maximumPercent": deployment.get("maximum_percent", 200),
            "deploymentCircuitBreaker": {"enable": True, "rollback": True}}


def extra_vars(tmp_path, **values):
    path = tmp_path / "vars.json"
    path.write_text(json.dumps(dict(IMAGES, **values)))
    return "@%s" % path


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
    assert "does not fit the aws platform" in run.output
    assert "ecs_services[0] (web).health_check.interval_s: 1 is outside the ALB limits 5-300" in run.output
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
    # One repository per image: the services', and the retry proxy's (the frontend calls the backend,
    # which has a retry policy).
    assert sorted(found["ecr_repositories"]) == ["demo/backend", "demo/frontend", "demo/retry-proxy"]
    assert sorted(found["iam_roles"]) == ["demo-us-east-1-builder", "demo-us-east-1-ecs-host",
                                          "demo-us-east-1-loadgen", "demo-us-east-1-task-execution"]
    assert found["s3_buckets"] == ["demo-ssm-123456789012-us-east-1"]
    assert found["capacity_providers"] == ["demo-hosts"]
    assert found["ecs_clusters"] == ["demo"]
    template = emulator_clean.client("ec2").describe_launch_template_versions(LaunchTemplateName="demo-hosts")
    metadata = template["LaunchTemplateVersions"][0]["LaunchTemplateData"]["MetadataOptions"]
    assert metadata["HttpTokens"] == "required"
    # One hop: containers in bridge mode cannot reach the host role's credentials.
    assert metadata["HttpPutResponseHopLimit"] == 1
    iam = emulator_clean.client("iam")
    for principal in ("ecs.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"):
        assert iam.list_roles(PathPrefix="/aws-service-role/%s/" % principal)["Roles"], principal
    ec2 = emulator_clean.client("ec2")
    tagged = ec2.describe_addresses(Filters=[{"Name": "tag:loadbearing:cluster", "Values": [CLUSTER]}])["Addresses"]
    assert len(tagged) == len(found["nat_gateways"])
    ecr = emulator_clean.client("ecr")
    for repository in ecr.describe_repositories(repositoryNames=found["ecr_repositories"])["repositories"]:
        assert repository["imageTagMutability"] == "IMMUTABLE"
        tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"])["tags"]
        assert {"Key": "loadbearing:cluster", "Value": CLUSTER} in tags
    provider = emulator_clean.client("ecs").describe_capacity_providers(capacityProviders=["demo-hosts"])["capacityProviders"][0]
    settings = provider["autoScalingGroupProvider"]
    assert (settings["managedTerminationProtection"], settings["managedDraining"]) == ("DISABLED", "ENABLED")
    group = emulator_clean.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=["demo-hosts"])
    assert "AmazonECSManaged" in [t["Key"] for t in group["AutoScalingGroups"][0]["Tags"]]


def test_build_deploys_behind_the_load_balancers(emulator_clean, tmp_path):
    # The services' images are supplied; the retry proxy's is found in ECR by its content tag.
    proxy_ref = push_the_retry_proxy(emulator_clean)
    refs = tmp_path / "images.json"
    refs.write_text(json.dumps(IMAGES))
    run = emulator_clean.playbook("build.yml", "-e", "@%s" % refs)
    assert run.rc == 0, run.failure()
    assert "role_builder" not in run.output and "Start the build host" not in run.output
    found = leftovers(emulator_clean, CLUSTER)
    assert sorted(found["load_balancers"]) == ["demo-internal", "demo-public"]
    assert sorted(found["target_groups"]) == ["demo-backend", "demo-frontend"]
    assert len(found["ecs_services"]) == 2
    assert found["scaling_policies"] == ["demo-frontend-requests"]
    ecs = emulator_clean.client("ecs")
    frontend = ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]
    assert frontend["desiredCount"] == 10
    # The list's percents (ECS's defaults for a service that names none) and the circuit breaker
    # with rollback (models/ecs_deployment_configuration.py keeps what ECS returns).
    for listed in service_list():
        described = ecs.describe_services(cluster=CLUSTER, services=[listed["name"]])["services"][0]
        assert described["deploymentConfiguration"] == expected_deployment(listed), listed["name"]
    taskdef = ecs.describe_task_definition(taskDefinition=frontend["taskDefinition"])["taskDefinition"]
    print(json.dumps(taskdef, indent=2, default=str))  # the registered task definition, shown with -s
    assert taskdef["networkMode"] == "bridge"
    container, proxy = taskdef["containerDefinitions"]
    assert container["name"] == "frontend" and container["image"] == IMAGES["ecs_images"]["frontend"]
    assert container["portMappings"] == [{"containerPort": 8000, "hostPort": 0, "protocol": "tcp"}]
    # The service's stop_timeout_s (the table's default, 5), as the local copies get it.
    assert container["stopTimeout"] == 5
    assert container["logConfiguration"]["logDriver"] == "awslogs"
    # The frontend calls the backend through the retry proxy beside it, linked by name...
    assert container["links"] == ["retry-proxy"]
    assert container["dependsOn"] == [{"containerName": "retry-proxy", "condition": "START"}]
    assert environment(container)["BACKEND_URL"] == "http://retry-proxy:8081/"
    # ...which calls the internal ALB with the backend's policy, from the image found in ECR.
    internal = emulator_clean.client("elbv2").describe_load_balancers(Names=["demo-internal"])["LoadBalancers"][0]
    assert internal["Scheme"] == "internal"
    assert proxy["name"] == "retry-proxy" and proxy["image"] == proxy_ref and proxy["essential"] is True
    policy = [s for s in service_list() if s["name"] == "backend"][0]["retry_policy"]
    proxy_env = environment(proxy)
    assert proxy_env["LOADBEARING_RETRY_POLICIES"] == "backend"
    assert proxy_env["LOADBEARING_RETRY_BACKEND_URL"] == "http://%s:8081" % internal["DNSName"]
    assert proxy_env["LOADBEARING_RETRY_BACKEND_LISTEN"] == "8081"
    assert proxy_env["LOADBEARING_RETRY_BACKEND_ON_BODY"] == policy["on_body"]
    assert proxy_env["LOADBEARING_RETRY_BACKEND_ATTEMPTS"] == str(policy["attempts"])
    assert proxy_env["LOADBEARING_RETRY_BACKEND_BUDGET_PERCENT"] == str(policy["budget_percent"])
    assert "portMappings" not in proxy or proxy["portMappings"] == []
    assert proxy["logConfiguration"]["options"]["awslogs-stream-prefix"] == "frontend-retry-proxy"
    # The backend has a policy but calls nobody: it runs alone.
    backend = ecs.describe_services(cluster=CLUSTER, services=["backend"])["services"][0]
    (alone,) = ecs.describe_task_definition(taskDefinition=backend["taskDefinition"])["taskDefinition"]["containerDefinitions"]
    assert alone["name"] == "backend" and "links" not in alone
    target = emulator_clean.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=["service/demo/frontend"])["ScalableTargets"][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (10, 20)
    assert frontend["deployments"][0]["rolloutState"] == "COMPLETED"
    # Target tracking as the list says, read back from Application Auto Scaling.
    listed = [s for s in service_list() if s["name"] == "frontend"][0]
    policy = emulator_clean.client("application-autoscaling").describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId="service/demo/frontend")["ScalingPolicies"][0]
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == listed.get("requests_per_target", 420) == 420
    assert tracking["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ALBRequestCountPerTarget"
    assert (tracking["ScaleOutCooldown"], tracking["ScaleInCooldown"]) == (
        listed["scale_out_cooldown_s"], listed["scale_in_cooldown_s"])


def test_hosts_join_the_cluster_as_managed_scaling_starts_them(emulator_clean):
    # ECS managed scaling raises the group's desired capacity once tasks wait for room: do as it does.
    emulator_clean.client("autoscaling").set_desired_capacity(AutoScalingGroupName="demo-hosts", DesiredCapacity=2)
    members = emulator_clean.client("ecs").list_container_instances(cluster=CLUSTER)["containerInstanceArns"]
    assert len(members) == 2


def test_second_init_and_build_change_nothing(emulator_clean, tmp_path):
    # With two hosts registered, the AmazonECSManaged tag on the group and deployments completed.
    refs = tmp_path / "images.json"
    refs.write_text(json.dumps(IMAGES))
    for stage in ("init.yml", "build.yml"):
        run = emulator_clean.playbook(stage, "-e", "@%s" % refs)
        assert run.rc == 0, run.failure()
        assert run.changed == 0, run.changed_tasks()


def test_rebuild_keeps_the_count_autoscaling_chose(emulator_clean, tmp_path):
    ecs = emulator_clean.client("ecs")
    ecs.update_service(cluster=CLUSTER, service="frontend", desiredCount=14)
    refs = tmp_path / "images.json"
    refs.write_text(json.dumps(IMAGES))
    run = emulator_clean.playbook("build.yml", "-e", "@%s" % refs)
    assert run.rc == 0, run.failure()
    assert ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]["desiredCount"] == 14


def test_build_applies_new_bounds_and_removes_services_that_left_the_list(emulator_clean, tmp_path):
    ecs = emulator_clean.client("ecs")
    family = ecs.describe_services(cluster=CLUSTER, services=["backend"])["services"][0]["taskDefinition"]
    ecs.create_service(cluster=CLUSTER, serviceName="retired", taskDefinition=family, desiredCount=1)
    services = service_list()
    frontend = [s for s in services if s["name"] == "frontend"][0]
    frontend.update(min_count=12, max_count=24, deployment={"minimum_healthy_percent": 50, "maximum_percent": 150},
                    scale_out_cooldown_s=30, scale_in_cooldown_s=120)
    # A floor above desired_count, and no max_count: the floor is the count, as on the local platform.
    backend = [s for s in services if s["name"] == "backend"][0]
    backend.update(min_count=backend["desired_count"] + 1)
    # Check mode says the deployment configuration would change, and changes nothing.
    before = ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]["deploymentConfiguration"]
    checked = emulator_clean.playbook("build.yml", "--check", "-e", extra_vars(tmp_path, ecs_services=services))
    assert checked.rc == 0, checked.failure()
    assert any(task.endswith("Keep each service's deployment configuration as the list says")
               for task in checked.changed_tasks()), checked.changed_tasks()
    assert ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]["deploymentConfiguration"] == before
    run = emulator_clean.playbook("build.yml", "-e", extra_vars(tmp_path, ecs_services=services))
    assert run.rc == 0, run.failure()
    # A changed deployment configuration reaches the running service, with no new deployment.
    described = ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]
    assert described["deploymentConfiguration"] == expected_deployment(frontend)
    assert len(described["deployments"]) == 1
    tracking = emulator_clean.client("application-autoscaling").describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId="service/demo/frontend")["ScalingPolicies"][0][
        "TargetTrackingScalingPolicyConfiguration"]
    assert (tracking["ScaleOutCooldown"], tracking["ScaleInCooldown"]) == (30, 120)
    target = emulator_clean.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=["service/demo/frontend"])["ScalableTargets"][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (12, 24)
    assert ecs.describe_services(cluster=CLUSTER, services=["backend"])["services"][0]["desiredCount"] == backend["min_count"]
    assert ecs.describe_services(cluster=CLUSTER, services=["retired"])["services"][0]["status"] != "ACTIVE"


def test_build_fails_with_the_stopped_tasks_reasons_after_a_rollback(emulator_clean, tmp_path):
    ecs = emulator_clean.client("ecs")
    before = ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]["taskDefinition"]
    broken = dict(IMAGES["ecs_images"], frontend=IMAGES["ecs_images"]["frontend"].rsplit(":", 1)[0] + ":" + UNHEALTHY_IMAGE_MARKER)
    run = emulator_clean.playbook("build.yml", "-e", extra_vars(tmp_path, ecs_images=broken, services_stable_timeout_s=60))
    assert run.rc != 0
    assert "Task failed ELB health checks" in run.failure()
    assert "frontend" in run.failure()
    assert ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]["taskDefinition"] == before


def test_terminate_removes_everything_then_changes_nothing(emulator_clean):
    # A repository of a service that has left the list: found by its tag all the same.
    ecr = emulator_clean.client("ecr")
    ecr.create_repository(repositoryName="demo/retired", tags=[{"Key": "loadbearing:cluster", "Value": CLUSTER}])
    run = emulator_clean.playbook("terminate.yml")
    assert run.rc == 0, run.failure()
    # It waited for the hosts to drain and terminate. (It waits for the deleted ALBs' interfaces
    # too when they are still there by the network's turn, which depends on the machine's pace:
    # a subnet deleted before they went would have failed the stage.)
    printed = " ".join(run.output.split())
    assert re.search(r"for 2 container host\(s\) to drain and terminate: i-\w+ InService, i-\w+ InService", printed)
    assert "Nothing of the cluster demo is left in us-east-1." in printed
    assert leftovers(emulator_clean, CLUSTER) == {}
    run = emulator_clean.playbook("terminate.yml")
    assert run.rc == 0, run.failure()
    assert run.changed == 0, run.changed_tasks()


def test_terminate_after_an_init_that_failed_half_way(emulator_clean):
    # A bad size for the Auto Scaling group: init stops after the network, IAM and ECR exist.
    run = emulator_clean.playbook("init.yml", "-e", "cluster_max_hosts=not-a-number")
    assert run.rc != 0
    found = leftovers(emulator_clean, CLUSTER)
    assert found != {}
    # A terminate interrupted after it deleted the NAT gateway: still `deleting`, its address mapped.
    ec2 = emulator_clean.client("ec2")
    (nat,) = found["nat_gateways"]
    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "deleting"
    run = emulator_clean.playbook("terminate.yml")
    assert run.rc == 0, run.failure()
    assert leftovers(emulator_clean, CLUSTER) == {}
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "deleted"


def test_terminate_names_what_it_could_not_remove(emulator_clean):
    # A security group with the cluster's tag in a VPC of the user's: terminate deletes what is in
    # the cluster's VPCs, and its last check, by the tag, finds this one left.
    ec2 = emulator_clean.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(
        GroupName="copied", Description="copied by hand", VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "loadbearing:cluster", "Value": CLUSTER}]}],
    )["GroupId"]
    run = emulator_clean.playbook("terminate.yml", "-e", "cluster_leftovers_wait_s=5")
    assert run.rc != 0
    failure = " ".join(run.failure().split())
    assert "Terminate left 1 resource(s) of the cluster demo in us-east-1" in failure, failure
    assert '"security_groups": ["%s"]' % group in failure
    ec2.delete_security_group(GroupId=group)
    ec2.delete_vpc(VpcId=vpc)
    run = emulator_clean.playbook("terminate.yml")
    assert run.rc == 0, run.failure()
    assert "Nothing of the cluster demo is left in us-east-1." in " ".join(run.output.split())
