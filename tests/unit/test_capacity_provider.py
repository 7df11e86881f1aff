"""What ecs_capacity_provider sends to ECS, from its options and what ECS describes."""
import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.capacity_provider import (
    create_while_the_role_propagates, desired_provider, lifecycle, provider_update)

ASG = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:abc:autoScalingGroupName/demo-hosts"


def params(**overrides):
    base = {"auto_scaling_group_arn": ASG, "managed_scaling": {"status": "enabled", "target_capacity": 100},
            "managed_termination_protection": "disabled", "managed_draining": None}
    base.update(overrides)
    return base


def described(**scaling):
    managed = {"status": "ENABLED", "targetCapacity": 100, "minimumScalingStepSize": 1,
               "maximumScalingStepSize": 10000, "instanceWarmupPeriod": 300}
    managed.update(scaling)
    return {"name": "demo-hosts", "autoScalingGroupProvider": {
        "autoScalingGroupArn": ASG, "managedScaling": managed, "managedTerminationProtection": "DISABLED"}}


def test_desired_provider_in_ecs_terms():
    assert desired_provider(params()) == {
        "autoScalingGroupArn": ASG,
        "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
        "managedTerminationProtection": "DISABLED",
    }


def test_matching_provider_needs_no_update():
    # ECS fills in defaults (step sizes, warm-up) that the options left out: not a difference.
    assert provider_update(described(), desired_provider(params())) is None


@pytest.mark.parametrize("change, expected", [
    ({"managed_scaling": {"status": "enabled", "target_capacity": 80}},
     {"managedScaling": {"status": "ENABLED", "targetCapacity": 80, "minimumScalingStepSize": 1,
                         "maximumScalingStepSize": 10000, "instanceWarmupPeriod": 300}}),
    ({"managed_termination_protection": "enabled"}, {"managedTerminationProtection": "ENABLED"}),
    ({"managed_draining": "enabled"}, {"managedDraining": "ENABLED"}),
])
def test_update_carries_only_what_differs(change, expected):
    assert provider_update(described(), desired_provider(params(**change))) == expected


def test_another_auto_scaling_group_is_refused():
    with pytest.raises(ValueError, match="cannot be moved"):
        provider_update(described(), desired_provider(params(auto_scaling_group_arn=ASG + "-other")))


@pytest.mark.parametrize("provider, state", [
    (None, "absent"),
    ({"status": "INACTIVE", "updateStatus": "DELETE_COMPLETE"}, "absent"),
    ({"status": "ACTIVE", "updateStatus": "DELETE_IN_PROGRESS"}, "deleting"),
    ({"status": "ACTIVE", "updateStatus": "UPDATE_COMPLETE"}, "active"),
    ({"status": "ACTIVE"}, "active"),
])
def test_a_provider_being_deleted_is_neither_usable_nor_free(provider, state):
    assert lifecycle(provider) == state


class RoleError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.response = {"Error": {"Code": "InvalidParameterException", "Message": message}}


NOT_YET = "Unable to assume the service linked role. Please verify that the ECS service linked role exists."


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def failing(times, message=NOT_YET):
    calls = []

    def create():
        calls.append(1)
        if len(calls) <= times:
            raise RoleError(message)
        return {"name": "demo-hosts"}
    return create


def test_create_is_tried_again_while_the_role_propagates():
    clock = Clock()
    assert create_while_the_role_propagates(failing(3), 60, 5, clock.sleep, clock.time) == ({"name": "demo-hosts"}, 4)
    assert clock.now == 15


def test_the_role_error_past_the_bound_is_raised():
    clock = Clock()
    with pytest.raises(RoleError, match="service linked role"):
        create_while_the_role_propagates(failing(100), 20, 5, clock.sleep, clock.time)
    assert clock.now == 20


def test_any_other_error_is_raised_at_once():
    clock = Clock()
    with pytest.raises(RoleError, match="already exists"):
        create_while_the_role_propagates(failing(1, "The specified capacity provider already exists."), 60, 5,
                                         clock.sleep, clock.time)
    assert clock.now == 0
