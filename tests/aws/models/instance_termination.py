"""Instances take time to terminate, and an Auto Scaling group lists them until they have.

Real AWS:
- TerminateInstances returns with the instance `shutting-down`; it becomes `terminated` a little
  later. Meanwhile its network interface stays in its subnet, with its security groups; the
  primary interface made at launch goes with it.
  - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html
- A group scaling in keeps the leaving instances in DescribeAutoScalingGroups, in a Terminating
  state, until they are terminated. With a capacity provider's managed draining, the lifecycle
  hook holds each in Terminating:Wait while ECS drains its tasks, and ECS completes the lifecycle
  action through the provider; without the provider nobody does, and the hook holds the instance
  until its timeout (draining may last up to 48 hours).
  - https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-lifecycle.html
  - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-draining.html

moto terminates at once, drops the interface and forgets the instance from the group at once.
Here an instance is `shutting-down` for SHUTDOWN_SECONDS, and a group's leaving instance is held
DRAIN_SECONDS in Terminating:Wait by managed draining while its provider is active (for good if
the provider has gone), then Terminating until EC2 has terminated it.
"""
import copy
import functools
import threading

from moto.autoscaling.models import FakeAutoScalingGroup
from moto.ec2.models.instances import Instance
from moto.ecs.models import ecs_backends

SHUTDOWN_SECONDS = 4
DRAIN_SECONDS = 3


def _later(seconds, action, *args):
    timer = threading.Timer(seconds, action, args)
    timer.daemon = True
    timer.start()


_terminate_now = Instance.terminate


@functools.wraps(_terminate_now)
def _terminate_slowly(self):
    previous = copy.copy(self._state)
    if self._state.name in ("shutting-down", "terminated"):
        return previous
    self._state.name, self._state.code = "shutting-down", 32
    _later(SHUTDOWN_SECONDS, _terminated, self)
    return previous


def _terminated(instance):
    if instance.state == "terminated":
        return  # terminated meanwhile by moto itself (a group deleted with ForceDelete)
    try:
        _terminate_now(instance)
    except Exception:  # the account was reset meanwhile: nothing left to terminate
        return
    # The primary interface made at launch goes with the instance (moto keeps it unless the
    # launch asked for DeleteOnTermination).
    primary = instance.nics.get(0)
    if primary is not None and primary.id in instance.ec2_backend.enis:
        instance.ec2_backend.enis.pop(primary.id, None)


def _draining_provider(group):
    """The active capacity provider with managed draining that owns the group, if any."""
    backend = ecs_backends[group.autoscaling_backend.account_id][group.autoscaling_backend.region_name]
    for provider in backend.capacity_providers.values():
        settings = provider.auto_scaling_group_provider or {}
        if (settings.get("autoScalingGroupArn") == group.arn and provider.status == "ACTIVE"
                and getattr(provider, "update_status", None) != "DELETE_IN_PROGRESS"
                and settings.get("managedDraining", "ENABLED") == "ENABLED"):
            return provider
    return None


def _terminate_member(group, state):
    state.lifecycle_state = "Terminating"
    group.autoscaling_backend.ec2_backend.terminate_instances([state.instance.id])

    def gone():
        group.instance_states = [s for s in group.instance_states if s is not state]

    _later(SHUTDOWN_SECONDS + 0.5, gone)


def _drained(group, state):
    if _draining_provider(group) is not None:
        _terminate_member(group, state)
    # Otherwise nobody completes the lifecycle action: the instance stays in Terminating:Wait.


def _leave(group, state):
    if _draining_provider(group) is not None:
        state.lifecycle_state = "Terminating:Wait"
        _later(DRAIN_SECONDS, _drained, group, state)
    else:
        _terminate_member(group, state)


_set_desired_capacity = FakeAutoScalingGroup.set_desired_capacity


@functools.wraps(_set_desired_capacity)
def _scale_keeping_leavers_listed(self, new_capacity):
    leaving = [s for s in self.instance_states if s.lifecycle_state != "InService"]
    staying = [s for s in self.instance_states if s.lifecycle_state == "InService"]
    target = self.min_size if new_capacity is None else new_capacity
    if target >= len(staying):
        self.instance_states = staying
        _set_desired_capacity(self, new_capacity)
        self.instance_states = self.instance_states + leaving
        return
    self.desired_capacity = target
    for state in [s for s in staying if not s.protected_from_scale_in][:len(staying) - target]:
        _leave(self, state)


Instance.terminate = _terminate_slowly
FakeAutoScalingGroup.set_desired_capacity = _scale_keeping_leavers_listed
