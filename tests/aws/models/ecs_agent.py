"""ECS container agent: EC2 instances join the cluster their user data names.

Real AWS: the ECS-optimized AMI runs the container agent, which reads ECS_CLUSTER from
/etc/ecs/ecs.config (written by user data) and registers the instance as a container instance of
that cluster once the cluster exists (ACTIVE); until then it retries. When the instance is
terminated, ECS deregisters it and its container instance becomes INACTIVE; ListContainerInstances
leaves INACTIVE ones out unless asked for them by status. A stopped instance stays registered with
agentConnected false.
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/launch_container_instance.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deregister_container_instance.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListContainerInstances.html

moto registers nothing: here every ECS call that reads or changes the cluster's membership first
brings the registrations up to date with the instances' states.
"""
import base64
import binascii
import functools
import re

from moto.ec2 import ec2_backends
from moto.ecs.models import EC2ContainerServiceBackend

CLUSTER_IN_USER_DATA = re.compile(r"ECS_CLUSTER=([A-Za-z0-9_-]+)")


def cluster_named_in(user_data):
    """The cluster user data names, whether moto holds it encoded (from a launch template) or not."""
    if user_data is None:
        return None
    if isinstance(user_data, str):
        try:
            text = base64.b64decode(user_data, validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            text = user_data
    else:
        text = user_data.decode()
    found = CLUSTER_IN_USER_DATA.search(text)
    return found.group(1) if found else None


def synchronise(backend):
    """Register running instances with their cluster; make terminated ones INACTIVE."""
    registered = {ci.ec2_instance_id: ci for members in backend.container_instances.values()
                  for ci in members.values()}
    for instance in ec2_backends[backend.account_id][backend.region_name].all_instances():
        state = instance.state
        member = registered.get(instance.id)
        if member is not None:
            if state in ("shutting-down", "terminated") and member.status != "INACTIVE":
                member.status = "INACTIVE"
                member.agent_connected = False
                cluster = backend.clusters.get(member.cluster_name)
                if cluster is not None:
                    cluster.registered_container_instances_count -= 1
            elif member.status != "INACTIVE":
                member.agent_connected = state == "running"
            continue
        name = cluster_named_in(instance.user_data)
        cluster = backend.clusters.get(name) if name else None
        if state == "running" and cluster is not None and cluster.status == "ACTIVE":
            backend.register_container_instance(name, instance.id)


def _synchronised_first(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        synchronise(self)
        return method(self, *args, **kwargs)
    return wrapper


for _name in ("describe_clusters", "list_clusters", "describe_container_instances", "delete_cluster",
              "create_service", "update_service", "delete_service", "deregister_container_instance"):
    setattr(EC2ContainerServiceBackend, _name, _synchronised_first(getattr(EC2ContainerServiceBackend, _name)))

_list_container_instances = EC2ContainerServiceBackend.list_container_instances


@functools.wraps(_list_container_instances)
def _list_without_inactive(self, cluster_str, status=None):
    synchronise(self)
    arns = _list_container_instances(self, cluster_str, status)
    if status is None:
        members = self.container_instances.get(cluster_str.split("/")[-1], {})
        inactive = {ci.container_instance_arn for ci in members.values() if ci.status == "INACTIVE"}
        arns = [arn for arn in arns if arn not in inactive]
    return arns


EC2ContainerServiceBackend.list_container_instances = _list_without_inactive
