"""An Auto Scaling group that cannot launch, and the ECS deployment that waits for it.

Real AWS: when a group's desired capacity rises above its instances, Auto Scaling launches; when
EC2 refuses the launch (on a new account, typically its On-Demand vCPU quota: "You have requested
more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the
specified instance type belongs to. ..."), no instance starts and the group records a scaling
activity with StatusCode Failed, Description "Launching a new EC2 instance.  Status Reason: ...
Launching EC2 instance failed." and that StatusMessage, then tries again later.
DescribeScalingActivities lists a group's activities, newest first.
- https://docs.aws.amazon.com/autoscaling/ec2/userguide/ts-as-capacity.html
- https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_Activity.html
ECS managed scaling raises the desired capacity of the capacity provider's group once tasks wait
for room; with no container instance to place them on, the service's deployment stays
IN_PROGRESS with nothing running, and its events say that ECS "was unable to place a task because
no container instance met all of its requirements".
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-scaling-behavior.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html

moto launches every instance asked for and lists no scaling activity. Here a group carrying the
tag CANNOT_LAUNCH_TAG launches nothing: each rise of its desired capacity records a Failed
activity with the tag's value as EC2's message (VCPU_LIMIT_MESSAGE when the value is empty). A
deployment on a cluster with no container instance, whose default capacity provider's group
carries the tag, stays IN_PROGRESS (models/ecs_deployments.py completes every other one at once):
the model raises the group's desired capacity to 1, as managed scaling would, and adds the event.
"""
import functools

from moto.autoscaling.models import FakeAutoScalingGroup, autoscaling_backends
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

from models import ecs_deployments

CANNOT_LAUNCH_TAG = "loadbearing-model:cannot-launch"
VCPU_LIMIT_MESSAGE = ("You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance "
                      "bucket that the specified instance type belongs to. Please visit "
                      "http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.")
NO_PLACEMENT = ("was unable to place a task because no container instance met all of its requirements. Reason: No "
                "Container Instances were found in your capacity provider. For more information, see the "
                "Troubleshooting section of the Amazon ECS Developer Guide.")


def launch_refusal(group):
    """EC2's message for a group that cannot launch, or None."""
    for tag in group.tags:
        if tag["Key"] == CANNOT_LAUNCH_TAG:
            return tag.get("Value") or VCPU_LIMIT_MESSAGE
    return None


def _record_failed_launch(group, before, after, refusal):
    now = utcnow()
    group.__dict__.setdefault("failed_launches", []).insert(0, {
        "ActivityId": str(mock_random.uuid4()), "AutoScalingGroupName": group.name,
        "AutoScalingGroupARN": group.arn,
        "Description": "Launching a new EC2 instance.  Status Reason: %s Launching EC2 instance failed." % refusal,
        "Cause": "At %s an instance was started in response to a difference between desired and actual capacity, "
                 "increasing the capacity from %d to %d." % (now.strftime("%Y-%m-%dT%H:%M:%SZ"), before, after),
        "StartTime": now, "EndTime": now, "StatusCode": "Failed",
        "StatusMessage": "%s Launching EC2 instance failed." % refusal, "Progress": 100,
        "Details": "{}"})


_set_desired_capacity = FakeAutoScalingGroup.set_desired_capacity


@functools.wraps(_set_desired_capacity)
def _set_desired_capacity_unless_refused(self, new_capacity):
    refusal = launch_refusal(self)
    running = len(self.active_instances())
    wanted = self.min_size if new_capacity is None else new_capacity
    if refusal is None or wanted <= running:
        return _set_desired_capacity(self, new_capacity)
    self.desired_capacity = wanted
    _record_failed_launch(self, running, wanted, refusal)
    return None


def _describe_scaling_activities(self):
    name = self._get_param("AutoScalingGroupName")
    groups = self.autoscaling_backend.autoscaling_groups.values()
    activities = [activity for group in groups if not name or group.name == name
                  for activity in group.__dict__.get("failed_launches", [])]
    limit = self._get_int_param("MaxRecords") or 100
    return ActionResult({"Activities": sorted(activities, key=lambda a: a["StartTime"], reverse=True)[:limit]})


def _group_that_cannot_launch(backend, cluster_name):
    """The Auto Scaling group of the cluster's default capacity provider, when it cannot launch."""
    cluster = backend.clusters.get(cluster_name)
    for entry in (getattr(cluster, "default_capacity_provider_strategy", None) or []):
        provider = backend.capacity_providers.get(entry.get("capacityProvider"))
        arn = (provider.auto_scaling_group_provider if provider else {}).get("autoScalingGroupArn")
        for group in autoscaling_backends[backend.account_id][backend.region_name].autoscaling_groups.values():
            if group.arn == arn and launch_refusal(group) is not None:
                return group
    return None


def _has_hosts(backend, cluster_name):
    return any(ci.status == "ACTIVE" for ci in backend.container_instances.get(cluster_name, {}).values())


_deploy = ecs_deployments.deploy


@functools.wraps(_deploy)
def _deploy_once_there_is_room(backend, service, task_definition_arn, previous):
    group = _group_that_cannot_launch(backend, service.cluster_name)
    if group is None or _has_hosts(backend, service.cluster_name):
        return _deploy(backend, service, task_definition_arn, previous)
    now = utcnow()
    waiting = {"id": "ecs-svc/%d" % mock_random.randint(0, 10 ** 18), "status": "PRIMARY",
               "taskDefinition": task_definition_arn, "desiredCount": service.desired_count, "pendingCount": 0,
               "runningCount": 0, "failedTasks": 0, "createdAt": now, "updatedAt": now,
               "launchType": service.launch_type, "rolloutState": "IN_PROGRESS",
               "rolloutStateReason": "ECS deployment in progress."}
    for deployment in service.deployments:
        deployment["status"] = "ACTIVE"
    service.deployments = [waiting] + [d for d in service.deployments if d.get("rolloutState") == "COMPLETED"][:1]
    service.task_definition = task_definition_arn
    group.set_desired_capacity(min(max(group.desired_capacity or 0, 1), group.max_size))
    service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": now,
                              "message": "(service %s) %s" % (service.name, NO_PLACEMENT)})
    return None


FakeAutoScalingGroup.set_desired_capacity = _set_desired_capacity_unless_refused
AutoScalingResponse.describe_scaling_activities = _describe_scaling_activities
ecs_deployments.deploy = _deploy_once_there_is_room
