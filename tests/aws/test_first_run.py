"""The first run on a new account, and AWS answers that are not "nothing there", against moto.

The tests in this module share one emulator, one init and one build, and run in file order.
Models: models/service_linked_role.py (the ECS service-linked role usable only some seconds after
it is made), models/ecs_read_errors.py (ListServices and DescribeServices throttled or denied on a
switch the tests flip), models/asg_launch_failure.py (a group that cannot launch its hosts).
"""
import json
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from leftovers import leftovers
from models.asg_launch_failure import CANNOT_LAUNCH_TAG, VCPU_LIMIT_MESSAGE
from models.ecs_read_errors import ROUTE as READ_ERRORS
from models.service_linked_role import PROPAGATION_SECONDS

CLUSTER = "demo"
REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/"
IMAGES = {"ecs_images": {
    "backend": REGISTRY + "backend:0123456789abcdef",
    "frontend": REGISTRY + "frontend:fedcba9876543210",
    "retry-proxy": REGISTRY + "retry-proxy:00112233445566ff",
}}


def extra_vars(tmp_path, **values):
    path = tmp_path / "vars.json"
    path.write_text(json.dumps(dict(IMAGES, **values)))
    return "@%s" % path


def refuse(emulator, operation, code=None, **window):
    """Flip the switch of models/ecs_read_errors.py (no code: clear it)."""
    body = json.dumps(dict(window, operation=operation, code=code)).encode()
    urllib.request.urlopen(urllib.request.Request(emulator.url + READ_ERRORS, data=body, method="POST")).read()


def refused(emulator):
    return json.loads(urllib.request.urlopen(emulator.url + READ_ERRORS).read())


def desired_count(emulator, service):
    return emulator.client("ecs").describe_services(cluster=CLUSTER, services=[service])["services"][0]["desiredCount"]


@pytest.fixture(scope="module")
def fresh(emulator):
    emulator.reset()
    return emulator


def test_a_new_service_linked_role_is_not_usable_at_once(emulator):
    emulator.reset()
    scaling = emulator.client("autoscaling")
    emulator.client("ec2").create_launch_template(LaunchTemplateName="early", LaunchTemplateData={"ImageId": "ami-12c6146b"})
    scaling.create_auto_scaling_group(AutoScalingGroupName="early", LaunchTemplate={"LaunchTemplateName": "early"},
                                      MinSize=0, MaxSize=1, AvailabilityZones=["us-east-1a"])
    provider = {"autoScalingGroupArn": scaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=["early"])["AutoScalingGroups"][0]["AutoScalingGroupARN"]}
    emulator.client("iam").create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    ecs = emulator.client("ecs")
    with pytest.raises(ClientError, match="Unable to assume the service linked role"):
        ecs.create_capacity_provider(name="early", autoScalingGroupProvider=provider)
    time.sleep(PROPAGATION_SECONDS)
    assert ecs.create_capacity_provider(name="early", autoScalingGroupProvider=provider)["capacityProvider"]["status"] == "ACTIVE"


def test_init_on_a_fresh_account(fresh):
    # ECS's service-linked role is made moments before the capacity provider: init waits for it.
    run = fresh.playbook("init.yml")
    assert run.rc == 0, run.failure()
    assert leftovers(fresh, CLUSTER)["capacity_providers"] == ["demo-hosts"]


def test_first_build(fresh, tmp_path):
    run = fresh.playbook("build.yml", "-e", extra_vars(tmp_path))
    assert run.rc == 0, run.failure()
    assert len(leftovers(fresh, CLUSTER)["ecs_services"]) == 2


def test_build_with_describe_services_throttled_keeps_the_count_autoscaling_chose(fresh, tmp_path):
    fresh.client("ecs").update_service(cluster=CLUSTER, service="frontend", desiredCount=14)
    # A burst that refuses the services role's first read after it looks at the task definitions
    # (after botocore's retries: AWS_MAX_ATTEMPTS=1 makes that one attempt; amazon.aws's AWSRetry
    # does not retry ThrottlingException), and is over by the next call.
    refuse(fresh, "DescribeServices", "ThrottlingException", after="DescribeTaskDefinition", count=1)
    try:
        run = fresh.playbook("build.yml", "-e", extra_vars(tmp_path), env={"AWS_MAX_ATTEMPTS": "1"})
        seen = refused(fresh)
    finally:
        refuse(fresh, "DescribeServices")
    assert seen["DescribeServices"]["refused"] == 1, seen
    assert run.rc != 0, "build went on after a throttled read"
    failure = run.failure()
    assert "Find the services that already run" in failure, failure
    assert "ThrottlingException" in failure and "Rate exceeded" in failure, failure
    assert desired_count(fresh, "frontend") == 14


def words(text):
    """text with its line breaks and runs of spaces as single spaces (Ansible wraps long messages)."""
    return " ".join(text.split())


def test_build_that_cannot_start_hosts_names_the_cause(fresh, tmp_path):
    # The account cannot launch the hosts' instance type (a new account's vCPU quota).
    fresh.client("autoscaling").create_or_update_tags(Tags=[{
        "ResourceId": "demo-hosts", "ResourceType": "auto-scaling-group", "Key": CANNOT_LAUNCH_TAG, "Value": "",
        "PropagateAtLaunch": False}])
    # A new revision of the frontend needs hosts that never come.
    images = dict(IMAGES["ecs_images"], frontend=REGISTRY + "frontend:0000000000000001")
    run = fresh.playbook("build.yml", "-e", extra_vars(tmp_path, ecs_images=images, services_stable_timeout_s=20))
    assert run.rc != 0
    failure = words(run.failure())
    assert "frontend did not become stable" in failure, failure
    assert "was unable to place a task" in failure, failure
    assert "Failed: Launching a new EC2 instance" in failure and words(VCPU_LIMIT_MESSAGE) in failure, failure


def test_terminate_with_list_services_denied_fails_at_once_and_deletes_nothing(fresh):
    before = leftovers(fresh, CLUSTER)
    refuse(fresh, "ListServices", "AccessDeniedException")
    try:
        started = time.time()
        # Bounded: today's code would wait this long for DeleteCluster, instead of 600 s.
        run = fresh.playbook("terminate.yml", "-e", "cluster_hosts_drain_timeout_s=20")
        took = time.time() - started
    finally:
        refuse(fresh, "ListServices")
    assert run.rc != 0, "terminate went on without the list of services"
    assert "AccessDeniedException" in run.failure() and "ecs:ListServices" in run.failure(), run.failure()
    assert leftovers(fresh, CLUSTER) == before
    assert took < 60, took
