"""Auto Scaling instance refresh: replacing a group's instances after its launch template changed.

Real AWS: StartInstanceRefresh replaces the group's instances, in rolling batches, with instances
launched from the group's current launch template (with SkipMatching, only those not already on
it) and returns an InstanceRefreshId; DescribeInstanceRefreshes lists the group's refreshes,
newest first, with Status (Pending, InProgress, Successful, ...) and the Preferences asked for.
A second StartInstanceRefresh while one is Pending or InProgress fails with
InstanceRefreshInProgress.
- https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html
- https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeInstanceRefreshes.html
- https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-refresh.html

moto implements neither. Here a refresh replaces, at once, every instance whose AMI is not the
template's (TerminateInstanceInAutoScalingGroup without decrement: the group launches the
replacement from its template) and is then Successful.
"""
import datetime
import uuid

from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError
from moto.autoscaling.models import AutoScalingBackend
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import ActionResult


class InstanceRefreshInProgress(AutoscalingClientError):
    code = "InstanceRefreshInProgress"


def _refreshes(backend):
    if not hasattr(backend, "instance_refreshes"):
        backend.instance_refreshes = {}
    return backend.instance_refreshes


def start_instance_refresh(self, group_name, strategy, preferences):
    if group_name not in self.autoscaling_groups:
        raise ValidationError("An Auto Scaling group with the name %s does not exist." % group_name)
    refreshes = _refreshes(self).setdefault(group_name, [])
    if any(r["Status"] in ("Pending", "InProgress") for r in refreshes):
        raise InstanceRefreshInProgress("An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.")
    group = self.autoscaling_groups[group_name]
    stale = [state.instance.id for state in group.instance_states if state.instance.image_id != group.image_id]
    for instance_id in stale:
        self.terminate_instance(instance_id, should_decrement=False)
    now = datetime.datetime.now(datetime.timezone.utc)
    refresh = {"InstanceRefreshId": str(uuid.uuid4()), "AutoScalingGroupName": group_name, "Status": "Successful",
               "StartTime": now, "EndTime": now, "PercentageComplete": 100, "InstancesToUpdate": 0,
               "Strategy": strategy or "Rolling", "Preferences": preferences or {}}
    refreshes.insert(0, refresh)
    return refresh


def _start(self):
    refresh = self.autoscaling_backend.start_instance_refresh(
        self._get_param("AutoScalingGroupName"), self._get_param("Strategy"), self._get_param("Preferences"))
    return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})


def _describe(self):
    found = _refreshes(self.autoscaling_backend).get(self._get_param("AutoScalingGroupName"), [])
    wanted = self._get_param("InstanceRefreshIds") or []
    return ActionResult({"InstanceRefreshes": [r for r in found if not wanted or r["InstanceRefreshId"] in wanted]})


AutoScalingBackend.start_instance_refresh = start_instance_refresh
AutoScalingResponse.start_instance_refresh = _start
AutoScalingResponse.describe_instance_refreshes = _describe
