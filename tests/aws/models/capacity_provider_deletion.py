"""DeleteCapacityProvider refuses while a cluster lists the provider, and deletion takes a while.

Real AWS: "Only capacity providers that aren't associated with a cluster can be deleted. To
remove a capacity provider from a cluster, you can either use PutClusterCapacityProviders or
delete the cluster" (ResourceInUseException otherwise). A deleted provider answers with
updateStatus DELETE_IN_PROGRESS, then becomes INACTIVE with DELETE_COMPLETE and may stay
discoverable; its name cannot be created again while the deletion is in progress. Managed
draining is ENABLED unless set otherwise. DescribeCapacityProviders without names describes every
provider of the account and region (capacityProviders is optional).
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCapacityProvider.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProvider.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-draining.html

moto deletes at once, whatever lists the provider, keeps no managedDraining on update, and fails
(500) when DescribeCapacityProviders names none.
Here the deletion takes DELETION_SECONDS.
"""
import functools
import time

from moto.ecs.models import EC2ContainerServiceBackend

from models.errors import ClientException, ResourceInUseException

DELETION_SECONDS = 3


def _progress(provider):
    started = getattr(provider, "deletion_started", None)
    if started is not None and provider.update_status == "DELETE_IN_PROGRESS" \
            and time.time() - started >= DELETION_SECONDS:
        provider.status = "INACTIVE"
        provider.update_status = "DELETE_COMPLETE"


_get_provider = EC2ContainerServiceBackend._get_provider


@functools.wraps(_get_provider)
def _get_provider_as_it_is_now(self, name_or_arn):
    provider = _get_provider(self, name_or_arn)
    if provider is not None:
        _progress(provider)
    return provider


_delete = EC2ContainerServiceBackend.delete_capacity_provider


@functools.wraps(_delete)
def _delete_unused_provider_slowly(self, name_or_arn):
    provider = self._get_provider(name_or_arn)
    if provider is None or provider.status != "ACTIVE":
        raise ClientException("The specified capacity provider does not exist.")
    users = [c.name for c in self.clusters.values()
             if c.status == "ACTIVE" and provider.name in (c.capacity_providers or [])]
    if users:
        raise ResourceInUseException("The specified capacity provider is in use and cannot be removed.")
    if provider.update_status != "DELETE_IN_PROGRESS":
        provider.update_status = "DELETE_IN_PROGRESS"
        provider.deletion_started = time.time()
    return provider


_create = EC2ContainerServiceBackend.create_capacity_provider


@functools.wraps(_create)
def _create_unless_the_name_is_taken(self, name, asg_details, tags):
    existing = self._get_provider(name)
    if existing is not None and existing.status == "ACTIVE":
        raise ClientException("The specified capacity provider already exists. To change the configuration of an "
                              "existing capacity provider, update the capacity provider.")
    if existing is not None:
        del self.capacity_providers[existing.name]
    asg_details.setdefault("managedDraining", "ENABLED")
    return _create(self, name, asg_details, tags)


_update = EC2ContainerServiceBackend.update_capacity_provider


@functools.wraps(_update)
def _update_keeping_draining(self, name_or_arn, asg_provider):
    provider = _update(self, name_or_arn, asg_provider)
    if "managedDraining" in asg_provider:
        provider.auto_scaling_group_provider["managedDraining"] = asg_provider["managedDraining"]
    return provider


EC2ContainerServiceBackend._get_provider = _get_provider_as_it_is_now
EC2ContainerServiceBackend.delete_capacity_provider = _delete_unused_provider_slowly
EC2ContainerServiceBackend.create_capacity_provider = _create_unless_the_name_is_taken
EC2ContainerServiceBackend.update_capacity_provider = _update_keeping_draining


_describe = EC2ContainerServiceBackend.describe_capacity_providers


@functools.wraps(_describe)
def _describe_every_provider_when_none_is_named(self, names):
    return _describe(self, list(names) if names else list(self.capacity_providers))


EC2ContainerServiceBackend.describe_capacity_providers = _describe_every_provider_when_none_is_named
