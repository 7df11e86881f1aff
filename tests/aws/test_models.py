"""The real-account behaviours of tests/aws/models, each checked against the emulator with boto3.

Each test shows that the emulator now does what AWS does (see the model's docstring); the
playbooks' handling of each is proven in test_aws_lifecycle.py.
"""
import json
import time

import pytest
from botocore.exceptions import ClientError

from models.capacity_provider_deletion import DELETION_SECONDS
from models.ecs_deployments import UNHEALTHY_IMAGE_MARKER
from models.service_linked_role import PROPAGATION_SECONDS

ECS_ROLE_PATH = "/aws-service-role/ecs.amazonaws.com/"


@pytest.fixture
def aws(emulator):
    emulator.reset()
    return emulator


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def an_image(aws):
    # The ECS-optimized AMI moto publishes, as the container hosts use (listing every AMI is slow).
    name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    return aws.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]


def a_host(aws, cluster):
    ec2 = aws.client("ec2")
    image = an_image(aws)
    user_data = "#!/bin/bash\necho ECS_CLUSTER=%s >> /etc/ecs/ecs.config\n" % cluster
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, UserData=user_data)["Instances"][0]["InstanceId"]


def a_group(aws, name):
    ec2 = aws.client("ec2")
    image = an_image(aws)
    ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={"ImageId": image})
    scaling = aws.client("autoscaling")
    scaling.create_auto_scaling_group(AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateName": name},
                                      MinSize=0, MaxSize=2, AvailabilityZones=["us-east-1a"])
    return scaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]


def test_ecs_agent_registers_hosts_of_an_active_cluster_and_drops_terminated_ones(aws):
    ecs = aws.client("ecs")
    host = a_host(aws, "agents")
    a_host(aws, "another-cluster")
    ecs.create_cluster(clusterName="agents")
    members = ecs.list_container_instances(cluster="agents")["containerInstanceArns"]
    assert len(members) == 1
    described = ecs.describe_container_instances(cluster="agents", containerInstances=members)["containerInstances"][0]
    assert described["ec2InstanceId"] == host and described["status"] == "ACTIVE"
    aws.client("ec2").terminate_instances(InstanceIds=[host])
    assert ecs.list_container_instances(cluster="agents")["containerInstanceArns"] == []
    described = ecs.describe_container_instances(cluster="agents", containerInstances=members)["containerInstances"][0]
    assert described["status"] == "INACTIVE"


def test_delete_cluster_refuses_while_hosts_or_services_are_active(aws):
    ecs = aws.client("ecs")
    host = a_host(aws, "busy")
    ecs.create_cluster(clusterName="busy")
    with pytest.raises(ClientError) as refused:
        ecs.delete_cluster(cluster="busy")
    assert error_code(refused) == "ClusterContainsContainerInstancesException"
    aws.client("ec2").terminate_instances(InstanceIds=[host])
    ecs.register_task_definition(family="busy-web", containerDefinitions=[{"name": "web", "image": "web", "memory": 64}])
    ecs.create_service(cluster="busy", serviceName="web", taskDefinition="busy-web", desiredCount=1)
    with pytest.raises(ClientError) as refused:
        ecs.delete_cluster(cluster="busy")
    assert error_code(refused) == "ClusterContainsServicesException"
    ecs.delete_service(cluster="busy", service="web", force=True)
    assert ecs.delete_cluster(cluster="busy")["cluster"]["status"] == "INACTIVE"


def test_capacity_provider_needs_the_role_create_cluster_makes(aws):
    ecs = aws.client("ecs")
    group = a_group(aws, "linked")
    provider = {"autoScalingGroupArn": group["AutoScalingGroupARN"]}
    with pytest.raises(ClientError) as refused:
        ecs.create_capacity_provider(name="linked", autoScalingGroupProvider=provider)
    assert "service linked role" in str(refused.value)
    assert aws.client("iam").list_roles(PathPrefix=ECS_ROLE_PATH)["Roles"] == []
    ecs.create_cluster(clusterName="linked")
    time.sleep(PROPAGATION_SECONDS)  # the role CreateCluster made is usable a little later
    assert [r["RoleName"] for r in aws.client("iam").list_roles(PathPrefix=ECS_ROLE_PATH)["Roles"]] == ["AWSServiceRoleForECS"]
    assert ecs.create_capacity_provider(name="linked", autoScalingGroupProvider=provider)["capacityProvider"]["status"] == "ACTIVE"


def test_managed_scaling_tags_the_group(aws):
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="tagged")
    time.sleep(PROPAGATION_SECONDS)  # the role CreateCluster made is usable a little later
    group = a_group(aws, "tagged")
    ecs.create_capacity_provider(name="tagged", autoScalingGroupProvider={
        "autoScalingGroupArn": group["AutoScalingGroupARN"], "managedScaling": {"status": "ENABLED"}})
    tags = aws.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=["tagged"])["AutoScalingGroups"][0]["Tags"]
    assert [(t["Key"], t["Value"]) for t in tags] == [("AmazonECSManaged", "")]


def test_capacity_provider_deletion_refused_while_listed_then_slow(aws):
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="slow")
    time.sleep(PROPAGATION_SECONDS)  # the role CreateCluster made is usable a little later
    group = a_group(aws, "slow")
    provider = {"autoScalingGroupArn": group["AutoScalingGroupARN"]}
    ecs.create_capacity_provider(name="slow", autoScalingGroupProvider=provider)
    assert ecs.describe_capacity_providers(capacityProviders=["slow"])["capacityProviders"][0][
        "autoScalingGroupProvider"]["managedDraining"] == "ENABLED"
    ecs.put_cluster_capacity_providers(cluster="slow", capacityProviders=["slow"], defaultCapacityProviderStrategy=[])
    with pytest.raises(ClientError) as refused:
        ecs.delete_capacity_provider(capacityProvider="slow")
    assert error_code(refused) == "ResourceInUseException"
    ecs.put_cluster_capacity_providers(cluster="slow", capacityProviders=[], defaultCapacityProviderStrategy=[])
    deleting = ecs.delete_capacity_provider(capacityProvider="slow")["capacityProvider"]
    assert (deleting["status"], deleting["updateStatus"]) == ("ACTIVE", "DELETE_IN_PROGRESS")
    with pytest.raises(ClientError) as refused:
        ecs.create_capacity_provider(name="slow", autoScalingGroupProvider=provider)
    assert "already exists" in str(refused.value)
    time.sleep(DELETION_SECONDS)
    deleted = ecs.describe_capacity_providers(capacityProviders=["slow"])["capacityProviders"][0]
    assert (deleted["status"], deleted["updateStatus"]) == ("INACTIVE", "DELETE_COMPLETE")
    assert ecs.create_capacity_provider(name="slow", autoScalingGroupProvider=provider)["capacityProvider"]["status"] == "ACTIVE"


def test_immutable_repository_refuses_an_existing_tag(aws):
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="fixed/web", imageTagMutability="IMMUTABLE")

    def manifest(layer):
        return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                           "config": {"digest": "sha256:" + layer * 64, "size": 1,
                                      "mediaType": "application/vnd.docker.container.image.v1+json"},
                           "layers": []})
    ecr.put_image(repositoryName="fixed/web", imageManifest=manifest("a"), imageTag="v1")
    with pytest.raises(ClientError) as refused:
        ecr.put_image(repositoryName="fixed/web", imageManifest=manifest("b"), imageTag="v1")
    assert error_code(refused) == "ImageTagAlreadyExistsException"


def test_deployments_complete_or_fail_and_roll_back(aws):
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="rollout")

    def revision(image):
        return ecs.register_task_definition(family="rollout-web", containerDefinitions=[
            {"name": "web", "image": image, "memory": 64}])["taskDefinition"]["taskDefinitionArn"]
    good, broken = revision("web:1"), revision("web:%s" % UNHEALTHY_IMAGE_MARKER)
    service = ecs.create_service(cluster="rollout", serviceName="web", taskDefinition=good, desiredCount=2)["service"]
    assert [(d["taskDefinition"], d["rolloutState"]) for d in service["deployments"]] == [(good, "COMPLETED")]
    assert service["runningCount"] == 2
    ecs.update_service(cluster="rollout", service="web", taskDefinition=broken)
    service = ecs.describe_services(cluster="rollout", services=["web"])["services"][0]
    assert service["taskDefinition"] == good
    assert [(d["status"], d["taskDefinition"], d["rolloutState"]) for d in service["deployments"]] == [
        ("PRIMARY", good, "COMPLETED"), ("ACTIVE", broken, "FAILED")]
    stopped = ecs.list_tasks(cluster="rollout", desiredStatus="STOPPED")["taskArns"]
    tasks = ecs.describe_tasks(cluster="rollout", tasks=stopped)["tasks"]
    assert tasks and all(t["taskDefinitionArn"] == broken and "health checks" in t["stoppedReason"] for t in tasks)


def test_services_keep_their_grace_period(aws):
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="grace")
    ecs.register_task_definition(family="grace-web", containerDefinitions=[{"name": "web", "image": "web", "memory": 64}])
    ecs.create_service(cluster="grace", serviceName="web", taskDefinition="grace-web", desiredCount=1,
                       healthCheckGracePeriodSeconds=30)
    assert ecs.describe_services(cluster="grace", services=["web"])["services"][0]["healthCheckGracePeriodSeconds"] == 30
    ecs.update_service(cluster="grace", service="web", healthCheckGracePeriodSeconds=45)
    assert ecs.describe_services(cluster="grace", services=["web"])["services"][0]["healthCheckGracePeriodSeconds"] == 45


def test_services_keep_their_deployment_configuration(aws):
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="rollouts")
    ecs.register_task_definition(family="rollouts-web", containerDefinitions=[{"name": "web", "image": "web", "memory": 64}])
    breaker = {"enable": True, "rollback": True}
    ecs.create_service(cluster="rollouts", serviceName="web", taskDefinition="rollouts-web", desiredCount=1,
                       deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 150,
                                                "deploymentCircuitBreaker": breaker})
    described = ecs.describe_services(cluster="rollouts", services=["web"])["services"][0]["deploymentConfiguration"]
    assert described == {"minimumHealthyPercent": 50, "maximumPercent": 150, "deploymentCircuitBreaker": breaker}
    ecs.update_service(cluster="rollouts", service="web", deploymentConfiguration={
        "minimumHealthyPercent": 100, "maximumPercent": 200, "deploymentCircuitBreaker": {"enable": True, "rollback": False}})
    described = ecs.describe_services(cluster="rollouts", services=["web"])["services"][0]["deploymentConfiguration"]
    assert described == {"minimumHealthyPercent": 100, "maximumPercent": 200,
                         "deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    # A service created without one gets ECS's defaults.
    ecs.create_service(cluster="rollouts", serviceName="plain", taskDefinition="rollouts-web", desiredCount=1)
    described = ecs.describe_services(cluster="rollouts", services=["plain"])["services"][0]["deploymentConfiguration"]
    assert described == {"minimumHealthyPercent": 100, "maximumPercent": 200,
                         "deploymentCircuitBreaker": {"enable": False, "rollback": False}}


def test_an_updated_target_tracking_policy_keeps_one_set_of_alarms(aws):
    scaling, cloudwatch = aws.client("application-autoscaling"), aws.client("cloudwatch")
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="tracked")
    ecs.register_task_definition(family="tracked-web", containerDefinitions=[{"name": "web", "image": "web", "memory": 64}])
    ecs.create_service(cluster="tracked", serviceName="web", taskDefinition="tracked-web", desiredCount=1)
    target = dict(ServiceNamespace="ecs", ResourceId="service/tracked/web", ScalableDimension="ecs:service:DesiredCount")
    scaling.register_scalable_target(MinCapacity=1, MaxCapacity=4, **target)

    def put(cooldown):
        return scaling.put_scaling_policy(PolicyName="requests", PolicyType="TargetTrackingScaling", **dict(
            target, TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 420.0, "ScaleOutCooldown": cooldown, "ScaleInCooldown": 60,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}))

    def alarms():
        return sorted(a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"])
    first = sorted(a["AlarmName"] for a in put(15)["Alarms"])
    assert alarms() == first and len(first) == 2
    second = sorted(a["AlarmName"] for a in put(30)["Alarms"])
    assert alarms() == second and second != first
    scaling.delete_scaling_policy(PolicyName="requests", **target)
    assert alarms() == []


def test_filter_log_events_reads_only_the_streams_under_the_prefix(aws):
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="/prefixed")
    for stream in ("web-proxy/proxy/1", "web-proxy/proxy/2", "web/web/1"):
        logs.create_log_stream(logGroupName="/prefixed", logStreamName=stream)
        logs.put_log_events(logGroupName="/prefixed", logStreamName=stream,
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": "line of " + stream}])
    events = logs.filter_log_events(logGroupName="/prefixed", logStreamNamePrefix="web-proxy/")["events"]
    assert sorted(event["logStreamName"] for event in events) == ["web-proxy/proxy/1", "web-proxy/proxy/2"]
    assert logs.filter_log_events(logGroupName="/prefixed", logStreamNamePrefix="none/")["events"] == []
    with pytest.raises(ClientError) as excinfo:
        logs.filter_log_events(logGroupName="/prefixed", logStreamNamePrefix="web/", logStreamNames=["web/web/1"])
    assert error_code(excinfo) == "InvalidParameterException"
