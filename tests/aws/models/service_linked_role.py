"""ECS needs its service-linked role before it can manage an Auto Scaling group.

Real AWS: CreateCapacityProvider acts through the role AWSServiceRoleForECS
(path /aws-service-role/ecs.amazonaws.com/); in an account that never had it the call fails
("Unable to assume the service linked role. Please verify that the ECS service linked role
exists."). CreateCluster creates the role when it is missing, as do the console and
CreateService; iam:CreateServiceLinkedRole creates it directly.
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html

A role that has just been made is not usable at once: IAM is eventually consistent, and on a new
account CreateCapacityProvider fails with the same message for a few seconds after the role was
made (by CreateCluster or iam:CreateServiceLinkedRole); a re-run a little later succeeds. Here the role is usable
PROPAGATION_SECONDS after its creation, however it was made.
- https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
- https://github.com/aws/containers-roadmap/issues/2614 (the race, as ECS users meet it)

moto never asks for the role, and names service-linked roles after the principal's lower-case
prefix; here the two roles ECS scaling uses get their real names (AWSServiceRoleForECS,
AWSServiceRoleForApplicationAutoScaling_ECSService).
- https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html
"""
import datetime
import functools

from moto.core.utils import utcnow
from moto.ecs.models import EC2ContainerServiceBackend
from moto.iam.models import IAMBackend, iam_backends
from moto.utilities.utils import get_partition

from models.errors import InvalidParameterException

ECS_PRINCIPAL = "ecs.amazonaws.com"
# How long a new service-linked role takes to become usable: a few seconds, kept short for the tests.
PROPAGATION_SECONDS = 5
ROLE_PATH = "/aws-service-role/%s/" % ECS_PRINCIPAL
REAL_NAMES = {
    ECS_PRINCIPAL: "AWSServiceRoleForECS",
    "ecs.application-autoscaling.amazonaws.com": "AWSServiceRoleForApplicationAutoScaling_ECSService",
}


def _iam(backend):
    return iam_backends[backend.account_id][get_partition(backend.region_name)]


def ecs_role_exists(backend):
    return any(role.path == ROLE_PATH for role in _iam(backend).roles.values())


def ecs_role_usable(backend):
    """Whether the role exists and has propagated (PROPAGATION_SECONDS since its creation)."""
    settled = utcnow() - datetime.timedelta(seconds=PROPAGATION_SECONDS)
    return any(role.path == ROLE_PATH and role.create_date <= settled for role in _iam(backend).roles.values())


_create_cluster = EC2ContainerServiceBackend.create_cluster


@functools.wraps(_create_cluster)
def _create_cluster_with_the_role(self, *args, **kwargs):
    cluster = _create_cluster(self, *args, **kwargs)
    if not ecs_role_exists(self):
        _iam(self).create_service_linked_role(ECS_PRINCIPAL, "Role to enable Amazon ECS to manage your cluster.", "")
    return cluster


_create_capacity_provider = EC2ContainerServiceBackend.create_capacity_provider


@functools.wraps(_create_capacity_provider)
def _create_capacity_provider_through_the_role(self, *args, **kwargs):
    if not ecs_role_usable(self):
        raise InvalidParameterException("Unable to assume the service linked role. "
                                        "Please verify that the ECS service linked role exists.")
    return _create_capacity_provider(self, *args, **kwargs)


_create_service_linked_role = IAMBackend.create_service_linked_role


@functools.wraps(_create_service_linked_role)
def _create_service_linked_role_named_as_aws_does(self, service_name, description, suffix):
    role = _create_service_linked_role(self, service_name, description, suffix)
    if service_name in REAL_NAMES and not suffix:
        role.name = REAL_NAMES[service_name]
    return role


IAMBackend.create_service_linked_role = _create_service_linked_role_named_as_aws_does
EC2ContainerServiceBackend.create_cluster = _create_cluster_with_the_role
EC2ContainerServiceBackend.create_capacity_provider = _create_capacity_provider_through_the_role
