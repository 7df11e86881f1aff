"""A capacity provider with managed scaling tags its Auto Scaling group AmazonECSManaged.

Real AWS: associating an Auto Scaling group with a capacity provider that has managed scaling
turned on adds the tag AmazonECSManaged (empty value, propagated at launch) to the group; tools
that manage the group's tags must keep it, or they remove it on their next run.
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/asg-capacity-providers-create-auto-scaling-group.html
  ("When managed scaling is turned on ... the AmazonECSManaged tag")

moto leaves the group's tags alone.
"""
import functools

from moto.autoscaling.models import autoscaling_backends
from moto.ecs.models import EC2ContainerServiceBackend

TAG = "AmazonECSManaged"


def tag_the_group(backend, provider):
    settings = provider.auto_scaling_group_provider
    if settings.get("managedScaling", {}).get("status") != "ENABLED":
        return
    groups = autoscaling_backends[backend.account_id][backend.region_name].autoscaling_groups
    for group in groups.values():
        if group.arn == settings.get("autoScalingGroupArn") and not any(t["Key"] == TAG for t in group.tags):
            group.tags.append({"ResourceId": group.name, "ResourceType": "auto-scaling-group",
                               "Key": TAG, "Value": "", "PropagateAtLaunch": True})


def _tagging(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        provider = method(self, *args, **kwargs)
        tag_the_group(self, provider)
        return provider
    return wrapper


EC2ContainerServiceBackend.create_capacity_provider = _tagging(EC2ContainerServiceBackend.create_capacity_provider)
EC2ContainerServiceBackend.update_capacity_provider = _tagging(EC2ContainerServiceBackend.update_capacity_provider)
