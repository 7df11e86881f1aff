# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What to send to ECS so a capacity provider matches its desired settings. Standard library only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

MANAGED_SCALING_KEYS = {
    "status": "status",
    "target_capacity": "targetCapacity",
    "minimum_scaling_step_size": "minimumScalingStepSize",
    "maximum_scaling_step_size": "maximumScalingStepSize",
    "instance_warmup_period": "instanceWarmupPeriod",
}


def desired_provider(params):
    """The autoScalingGroupProvider structure ECS expects, from the module's snake_case options."""
    scaling = params.get("managed_scaling") or {}
    managed = {}
    for option, key in MANAGED_SCALING_KEYS.items():
        if scaling.get(option) is not None:
            managed[key] = scaling[option]
    if "status" in managed:
        managed["status"] = managed["status"].upper()
    provider = {"autoScalingGroupArn": params["auto_scaling_group_arn"]}
    if managed:
        provider["managedScaling"] = managed
    if params.get("managed_termination_protection") is not None:
        provider["managedTerminationProtection"] = params["managed_termination_protection"].upper()
    if params.get("managed_draining") is not None:
        provider["managedDraining"] = params["managed_draining"].upper()
    return provider


def provider_update(current, desired):
    """The update_capacity_provider argument that turns current into desired, or None.

    The Auto Scaling group of a capacity provider cannot change: a differing ARN is an error.
    """
    current_provider = current.get("autoScalingGroupProvider", {})
    if current_provider.get("autoScalingGroupArn") != desired["autoScalingGroupArn"]:
        raise ValueError("capacity provider %s uses Auto Scaling group %s; it cannot be moved to %s: "
                         "delete it first" % (current.get("name"), current_provider.get("autoScalingGroupArn"),
                                              desired["autoScalingGroupArn"]))
    update = {}
    wanted_scaling = desired.get("managedScaling", {})
    have_scaling = current_provider.get("managedScaling", {})
    if any(have_scaling.get(key) != value for key, value in wanted_scaling.items()):
        update["managedScaling"] = dict(have_scaling, **wanted_scaling)
    for key in ("managedTerminationProtection", "managedDraining"):
        if key in desired and current_provider.get(key) != desired[key]:
            update[key] = desired[key]
    return update or None


def lifecycle(provider):
    """Where a described capacity provider is: absent, deleting or active.

    A deleted provider answers ACTIVE with updateStatus DELETE_IN_PROGRESS for a while, then INACTIVE
    (and may stay discoverable): neither can be used or updated, and its name is free only once it
    is INACTIVE.
    """
    if not provider or provider.get("status") == "INACTIVE":
        return "absent"
    if provider.get("updateStatus") in ("DELETE_IN_PROGRESS", "DELETE_COMPLETE"):
        return "deleting"
    return "active"


# What CreateCapacityProvider answers while ECS cannot assume its service-linked role yet: on a new
# account IAM takes a few seconds to propagate a role made moments before.
ROLE_NOT_YET_USABLE = "Unable to assume the service linked role"


def role_not_yet_usable(error):
    """Whether a botocore ClientError is ECS refusing for want of its service-linked role."""
    response = getattr(error, "response", None) or {}
    return ROLE_NOT_YET_USABLE in response.get("Error", {}).get("Message", "")


def create_while_the_role_propagates(create, timeout, delay, sleep, clock):
    """create(), tried again every `delay` seconds while it fails only because the service-linked
    role is not usable yet, for at most `timeout` seconds; any other error, or that one past the
    timeout, is raised. Returns (what create() returned, attempts made)."""
    deadline = clock() + timeout
    attempts = 0
    while True:
        attempts += 1
        try:
            return create(), attempts
        except Exception as error:  # pylint: disable=broad-except
            if not role_not_yet_usable(error) or clock() + delay > deadline:
                raise
        sleep(delay)
