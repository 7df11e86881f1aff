"""The container hosts' AMI is chosen once, kept on the launch template, and moved only when asked.

One init for the module; the tests run in file order on its cluster. AWS releases a new
ECS-optimized AMI between the runs (models/ecs_ami_releases.py); instance refreshes are
models/instance_refresh.py.
"""
import base64

import pytest

from models.control import call

CLUSTER = "demo"
GROUP = CLUSTER + "-hosts"


def template_ami(emulator):
    ec2 = emulator.client("ec2")
    template = ec2.describe_launch_templates(LaunchTemplateNames=[GROUP])["LaunchTemplates"][0]
    version = ec2.describe_launch_template_versions(LaunchTemplateName=GROUP, Versions=[str(template["LatestVersionNumber"])])
    return version["LaunchTemplateVersions"][0]["LaunchTemplateData"]["ImageId"]


def hosts_amis(emulator):
    group = emulator.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]
    # Instances leaving the group (Terminating, models/instance_termination.py) are not its hosts any more.
    ids = [i["InstanceId"] for i in group["Instances"] if i["LifecycleState"] in ("Pending", "InService")]
    reservations = emulator.client("ec2").describe_instances(InstanceIds=ids)["Reservations"] if ids else []
    return sorted(i["ImageId"] for r in reservations for i in r["Instances"])


def refreshes(emulator):
    return emulator.client("autoscaling").describe_instance_refreshes(AutoScalingGroupName=GROUP)["InstanceRefreshes"]


def recommended(emulator):
    name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    return emulator.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]


def test_models_a_release_and_a_refresh(emulator):
    # What the models do, with boto3 alone (before the cluster's fixture resets the emulator).
    emulator.reset()
    before = recommended(emulator)
    released = call(emulator.url, "ecs-ami-release", region="us-east-1")
    assert released["previous"] == before and recommended(emulator) == released["image_id"] != before
    assert emulator.client("ec2").describe_images(ImageIds=[released["image_id"]])["Images"]
    ec2, scaling = emulator.client("ec2"), emulator.client("autoscaling")
    # With user data, as the hosts' template has (models/launch_template_versions.py).
    user_data = base64.b64encode(b"#!/bin/bash\n").decode()
    ec2.create_launch_template(LaunchTemplateName="refresh", LaunchTemplateData={"ImageId": before, "UserData": user_data})
    scaling.create_auto_scaling_group(AutoScalingGroupName="refresh", MinSize=1, MaxSize=1,
                                      LaunchTemplate={"LaunchTemplateName": "refresh", "Version": "1"},
                                      AvailabilityZones=["us-east-1a"])
    ec2.create_launch_template_version(LaunchTemplateName="refresh",
                                       LaunchTemplateData={"ImageId": released["image_id"], "UserData": user_data})
    scaling.update_auto_scaling_group(AutoScalingGroupName="refresh", LaunchTemplate={"LaunchTemplateName": "refresh", "Version": "2"})
    started = scaling.start_instance_refresh(AutoScalingGroupName="refresh", Preferences={"SkipMatching": True})
    (refresh,) = scaling.describe_instance_refreshes(AutoScalingGroupName="refresh")["InstanceRefreshes"]
    assert refresh["InstanceRefreshId"] == started["InstanceRefreshId"] and refresh["Status"] == "Successful"
    group = scaling.describe_auto_scaling_groups(AutoScalingGroupNames=["refresh"])["AutoScalingGroups"][0]
    (instance,) = ec2.describe_instances(InstanceIds=[i["InstanceId"] for i in group["Instances"]])["Reservations"][0]["Instances"]
    assert instance["ImageId"] == released["image_id"]


@pytest.fixture(scope="module")
def cluster(emulator):
    emulator.reset()
    run = emulator.playbook("init.yml")
    assert run.rc == 0, run.failure()
    # Two hosts running, as managed scaling would start them.
    emulator.client("autoscaling").set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=2)
    first = template_ami(emulator)
    assert first == recommended(emulator)
    return {"first": first}


def test_a_new_release_changes_nothing(emulator, cluster):
    released = call(emulator.url, "ecs-ami-release", region="us-east-1")
    assert released["previous"] == cluster["first"] and recommended(emulator) == released["image_id"]
    cluster["released"] = released["image_id"]
    run = emulator.playbook("init.yml")
    assert run.rc == 0, run.failure()
    assert run.changed == 0, run.changed_tasks()
    assert template_ami(emulator) == cluster["first"]
    assert hosts_amis(emulator) == [cluster["first"]] * 2


def test_cluster_ami_update_takes_the_release_and_rolls_the_hosts(emulator, cluster):
    run = emulator.playbook("init.yml", "-e", "cluster_ami_update=true")
    assert run.rc == 0, run.failure()
    assert template_ami(emulator) == cluster["released"]
    (refresh,) = refreshes(emulator)
    assert refresh["Preferences"]["SkipMatching"] is True
    assert hosts_amis(emulator) == [cluster["released"]] * 2
    # Kept from then on, even with the flag left set (without it, as after the release above).
    run = emulator.playbook("init.yml", "-e", "cluster_ami_update=true")
    assert run.rc == 0, run.failure()
    assert run.changed == 0, run.changed_tasks()
    assert len(refreshes(emulator)) == 1


def test_cluster_ami_id_names_the_ami(emulator, cluster):
    run = emulator.playbook("init.yml", "-e", "cluster_ami_id=" + cluster["first"])
    assert run.rc == 0, run.failure()
    assert template_ami(emulator) == cluster["first"]
    assert len(refreshes(emulator)) == 2
    assert hosts_amis(emulator) == [cluster["first"]] * 2
