"""DeleteCluster refuses while the cluster still has members or services.

Real AWS: "You must deregister all container instances from this cluster before you may delete
it" (ClusterContainsContainerInstancesException, for ACTIVE or DRAINING container instances), and
ClusterContainsServicesException while a service of the cluster is ACTIVE (scaled down and
deleted services are DRAINING, then INACTIVE, and do not count).
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html

moto marks the cluster INACTIVE whatever it holds.
"""
import functools

from moto.ecs.models import EC2ContainerServiceBackend

from models.ecs_agent import synchronise
from models.errors import ClusterContainsContainerInstancesException, ClusterContainsServicesException

_delete_cluster = EC2ContainerServiceBackend.delete_cluster


@functools.wraps(_delete_cluster)
def _delete_empty_cluster_only(self, cluster_str):
    name = cluster_str.split("/")[-1]
    synchronise(self)
    members = [ci for ci in self.container_instances.get(name, {}).values() if ci.status in ("ACTIVE", "DRAINING")]
    if members:
        raise ClusterContainsContainerInstancesException(
            "The Cluster cannot be deleted while Container Instances are active or draining.")
    if any(s.cluster_name == name and s.status == "ACTIVE" for s in self.services.values()):
        raise ClusterContainsServicesException("The Cluster cannot be deleted while Services are active.")
    return _delete_cluster(self, cluster_str)


EC2ContainerServiceBackend.delete_cluster = _delete_empty_cluster_only
