"""loadbearing.ecs.ecs_capacity_provider against the capacity-provider deletion model.

A provider a cluster lists cannot be deleted, and a deleted one is DELETE_IN_PROGRESS for a while
with its name taken (tests/aws/models/capacity_provider_deletion.py).
"""
import pytest

NAME = "module-hosts"


@pytest.fixture
def group(emulator):
    emulator.reset()
    ec2 = emulator.client("ec2")
    image = emulator.client("ssm").get_parameter(
        Name="/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")["Parameter"]["Value"]
    ec2.create_launch_template(LaunchTemplateName=NAME, LaunchTemplateData={"ImageId": image})
    scaling = emulator.client("autoscaling")
    scaling.create_auto_scaling_group(AutoScalingGroupName=NAME, LaunchTemplate={"LaunchTemplateName": NAME},
                                      MinSize=0, MaxSize=1, AvailabilityZones=["us-east-1a"])
    emulator.client("ecs").create_cluster(clusterName="module")
    return scaling.describe_auto_scaling_groups(AutoScalingGroupNames=[NAME])["AutoScalingGroups"][0]["AutoScalingGroupARN"]


def provider(emulator):
    found = emulator.client("ecs").describe_capacity_providers(capacityProviders=[NAME])["capacityProviders"]
    return (found[0]["status"], found[0].get("updateStatus")) if found else None


def test_deleting_detaches_from_the_cluster_and_waits(emulator, group):
    run = emulator.module("loadbearing.ecs.ecs_capacity_provider", name=NAME, auto_scaling_group_arn=group)
    assert run.rc == 0 and "CHANGED" in run.output, run.output
    ecs = emulator.client("ecs")
    ecs.put_cluster_capacity_providers(cluster="module", capacityProviders=[NAME], defaultCapacityProviderStrategy=[
        {"capacityProvider": NAME, "weight": 1}])
    run = emulator.module("loadbearing.ecs.ecs_capacity_provider", name=NAME, cluster="module", state="absent")
    assert run.rc == 0, run.output
    assert provider(emulator) == ("INACTIVE", "DELETE_COMPLETE")
    assert ecs.describe_clusters(clusters=["module"])["clusters"][0]["capacityProviders"] == []
    run = emulator.module("loadbearing.ecs.ecs_capacity_provider", name=NAME, cluster="module", state="absent")
    assert run.rc == 0 and "CHANGED" not in run.output, run.output


def test_a_name_being_deleted_is_made_again_once_free(emulator, group):
    run = emulator.module("loadbearing.ecs.ecs_capacity_provider", name=NAME, auto_scaling_group_arn=group)
    assert run.rc == 0, run.output
    emulator.client("ecs").delete_capacity_provider(capacityProvider=NAME)
    assert provider(emulator) == ("ACTIVE", "DELETE_IN_PROGRESS")
    run = emulator.module("loadbearing.ecs.ecs_capacity_provider", name=NAME, auto_scaling_group_arn=group)
    assert run.rc == 0 and "CHANGED" in run.output, run.output
    assert provider(emulator) == ("ACTIVE", None)
