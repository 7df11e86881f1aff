"""What holds a VPC after its resources are deleted, as a real account does it (tests/aws/models:
network_interfaces, nat_gateway_deletion, instance_termination), checked with boto3.

The playbooks' handling is proven by terminate in test_aws_lifecycle.py and test_teardown.py.
"""
import time

import pytest
from botocore.exceptions import ClientError

from models.instance_termination import DRAIN_SECONDS, SHUTDOWN_SECONDS
from models.nat_gateway_deletion import DELETING_SECONDS
from models.network_interfaces import ALB_LINGER_SECONDS


@pytest.fixture
def aws(emulator):
    emulator.reset()
    return emulator


def refused(call, code, match=None, **kwargs):
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    assert error.value.response["Error"]["Code"] == code
    if match:
        assert match in error.value.response["Error"]["Message"]


def until(predicate, seconds):
    deadline = time.time() + seconds
    while not predicate():
        assert time.time() < deadline, "not within %s s" % seconds
        time.sleep(0.5)


def a_vpc(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.%d.0/24" % i, AvailabilityZone="us-east-1" + zone)["Subnet"]["SubnetId"]
               for i, zone in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    return vpc, subnets, group, gateway


def interfaces(ec2, vpc):
    return ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"]


def test_an_albs_interfaces_and_a_deleting_nat_gateway_hold_the_vpc_for_a_while(aws):
    # Both at once: each takes a while to let go (ALB_LINGER_SECONDS, DELETING_SECONDS).
    ec2, elb = aws.client("ec2"), aws.client("elbv2")
    vpc, subnets, group, gateway = a_vpc(ec2)
    arn = elb.create_load_balancer(Name="public", Subnets=subnets, SecurityGroups=[group],
                                   Scheme="internet-facing")["LoadBalancers"][0]["LoadBalancerArn"]
    held = interfaces(ec2, vpc)
    assert sorted(i["SubnetId"] for i in held) == sorted(subnets)
    assert all(i["Description"].startswith("ELB app/public/") for i in held)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    deleted_at = time.time()
    elb.delete_load_balancer(LoadBalancerArn=arn)
    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "deleting"
    ec2.delete_nat_gateway(NatGatewayId=nat)  # again, while it is deleting: accepted
    refused(ec2.delete_subnet, "DependencyViolation", "has dependencies", SubnetId=subnets[1])
    refused(ec2.delete_security_group, "DependencyViolation", "dependent object", GroupId=group)
    refused(ec2.detach_internet_gateway, "DependencyViolation", "mapped public address",
            InternetGatewayId=gateway, VpcId=vpc)
    refused(ec2.release_address, "AuthFailure", AllocationId=allocation)
    until(lambda: ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "deleted",
          DELETING_SECONDS + 10)
    ec2.release_address(AllocationId=allocation)
    until(lambda: not interfaces(ec2, vpc), ALB_LINGER_SECONDS + 10)
    assert time.time() - deleted_at >= max(ALB_LINGER_SECONDS, DELETING_SECONDS) - 1
    ec2.delete_subnet(SubnetId=subnets[0])
    ec2.delete_subnet(SubnetId=subnets[1])
    ec2.delete_security_group(GroupId=group)
    ec2.detach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)


def test_a_terminated_instance_shuts_down_first_and_keeps_its_interface_meanwhile(aws):
    ec2 = aws.client("ec2")
    vpc, subnets, group, _gateway = a_vpc(ec2)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnets[1],
                                 SecurityGroupIds=[group])["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[instance])

    def state():
        return ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]

    assert state() == "shutting-down"
    refused(ec2.delete_subnet, "DependencyViolation", SubnetId=subnets[1])
    refused(ec2.delete_security_group, "DependencyViolation", GroupId=group)
    until(lambda: state() == "terminated", SHUTDOWN_SECONDS + 5)
    ec2.delete_subnet(SubnetId=subnets[1])
    ec2.delete_security_group(GroupId=group)


def draining_group(aws, name):
    ec2, scaling = aws.client("ec2"), aws.client("autoscaling")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={"ImageId": image})
    scaling.create_auto_scaling_group(AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateName": name},
                                      MinSize=0, MaxSize=2, DesiredCapacity=2, AvailabilityZones=["us-east-1a"])
    arn = scaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["AutoScalingGroupARN"]
    aws.client("iam").create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    settings = {"autoScalingGroupArn": arn, "managedScaling": {"status": "ENABLED"}, "managedDraining": "ENABLED"}
    deadline = time.time() + 30
    while True:  # the new service-linked role may take a few seconds to be usable, as on AWS
        try:
            aws.client("ecs").create_capacity_provider(name=name, autoScalingGroupProvider=settings)
            return
        except ClientError as error:
            if "service linked role" not in str(error) or time.time() > deadline:
                raise
            time.sleep(1)


def members(aws, name):
    group = aws.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    return [i["LifecycleState"] for i in group["Instances"]]


def test_a_group_lists_its_leaving_instances_until_they_are_terminated(aws):
    draining_group(aws, "drains")
    aws.client("autoscaling").update_auto_scaling_group(AutoScalingGroupName="drains", MinSize=0, MaxSize=0,
                                                        DesiredCapacity=0)
    assert members(aws, "drains") == ["Terminating:Wait", "Terminating:Wait"]
    until(lambda: members(aws, "drains") == [], DRAIN_SECONDS + SHUTDOWN_SECONDS + 5)


def test_managed_draining_holds_the_instances_when_the_provider_goes_first(aws):
    draining_group(aws, "orphans")
    aws.client("autoscaling").update_auto_scaling_group(AutoScalingGroupName="orphans", MinSize=0, MaxSize=0,
                                                        DesiredCapacity=0)
    aws.client("ecs").delete_capacity_provider(capacityProvider="orphans")
    time.sleep(DRAIN_SECONDS + SHUTDOWN_SECONDS + 2)
    assert members(aws, "orphans") == ["Terminating:Wait", "Terminating:Wait"]
