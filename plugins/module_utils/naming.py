# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every name, label and tag a cluster gives what it makes, on both platforms: the one place.

The plan (plan.py) publishes them for the roles; discovery, terminate's leftovers check, the
images and the local service controller read them here. Terminate finds what to delete by
these labels and tags, so a name made anywhere else would be a resource it cannot find.
Standard library only, and no imports: the local service controller runs it with the host's
python3, without Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Podman labels of the local platform. The copies carry `cluster`; HAProxy, the registry and the
# controller carry their own, so that nothing else is ever taken for a copy of a service.
LABEL_PREFIX = "loadbearing.ecs"
LABELS = dict((key, "%s.%s" % (LABEL_PREFIX, key)) for key in (
    "cluster", "service", "port", "slot", "revision", "loadbalancer", "registry", "controller", "sidecar"))
LABELS["program"] = LABELS["controller"] + ".program"

# AWS tags. Everything the cluster makes carries CLUSTER_TAG; terminate finds it by that.
CLUSTER_TAG = "loadbearing:cluster"
TIER_TAG = "loadbearing:tier"
REGION_TAG = "loadbearing:region"
TRANSFER_BUCKET_TAG = "loadbearing:transfer-bucket"
ROLE_TAG = "role"

# What the IAM roles and instance profiles are for, and the security groups, by suffix.
IAM_PURPOSES = ("task-execution", "ecs-host", "builder", "loadgen")
SECURITY_GROUPS = ("public-lb", "internal-lb", "hosts", "remote-hosts")
REMOTE_HOSTS = ("builder", "loadgen")


def copy_name(cluster, service, slot):
    """A local copy's container: one per slot of its service."""
    return "%s-%s-%d" % (cluster, service, slot)


def kind(service):
    """public or internal: which load balancer a service is behind."""
    return "public" if service.get("public") else "internal"


def load_balancer(cluster, which):
    return "%s-%s" % (cluster, which)


def repository(cluster, image):
    """An image's repository, in the local registry and in ECR alike."""
    return "%s/%s" % (cluster, image)


def iam_path(cluster, region):
    """Role and profile names are global to the account: the region is in their path and name,
    so the same cluster name in two regions makes two sets, each found by its path."""
    return "/loadbearing/%s/%s/" % (cluster, region)


def iam_prefix(cluster, region):
    return "%s-%s" % (cluster, region)


def transfer_bucket(cluster, account, region):
    """The remote hosts' Session Manager transfer bucket: bucket names are global."""
    return "%s-ssm-%s-%s" % (cluster, account, region)


def iam_name(cluster, region, purpose):
    """A role or instance profile: task-execution, ecs-host, builder or loadgen."""
    return "%s-%s" % (iam_prefix(cluster, region), purpose)


def log_group(cluster):
    return "/loadbearing/%s" % cluster


def scalable_resource_prefix(cluster):
    return "service/%s/" % cluster


def task_family_prefix(cluster):
    return "%s-" % cluster


def service_names(cluster, service):
    """The names of one service's resources."""
    name = service["name"]
    return {
        "target_group": "%s-%s" % (cluster, name),
        "task_family": task_family_prefix(cluster) + name,
        "scaling_policy": "%s-%s-requests" % (cluster, name),
        "scalable_resource": scalable_resource_prefix(cluster) + name,
        "load_balancer": load_balancer(cluster, kind(service)),
        "repository": repository(cluster, name),
    }


def cluster_names(cluster, region=None, account=None):
    """The names of the cluster's own resources; the AWS ones need the region (and the account
    for the transfer bucket)."""
    names = {
        "hosts": "%s-hosts" % cluster,
        "log_group": log_group(cluster),
        "load_balancers": dict((which, load_balancer(cluster, which)) for which in ("public", "internal")),
        "security_groups": dict((group, "%s-%s" % (cluster, group)) for group in SECURITY_GROUPS),
        "remote_hosts": dict((role, "%s-%s" % (cluster, role)) for role in REMOTE_HOSTS),
        "task_family_prefix": task_family_prefix(cluster),
        "scalable_resource_prefix": scalable_resource_prefix(cluster),
        "containers": dict((part, "%s-%s" % (cluster, part)) for part in ("haproxy", "registry", "controller")),
        "local_images": dict((part, "localhost/" + repository(cluster, part)) for part in ("haproxy", "registry")),
    }
    if region:
        names.update(iam_path=iam_path(cluster, region), iam_prefix=iam_prefix(cluster, region),
                     iam=dict((purpose, iam_name(cluster, region, purpose)) for purpose in IAM_PURPOSES))
    names["transfer_bucket_prefix"] = "%s-ssm-" % cluster
    if region and account:
        names["transfer_bucket"] = transfer_bucket(cluster, account, region)
    return names


def labels(cluster):
    """The label of each part with this cluster's name: as a mapping ({label: cluster}), as
    podman's `--label` value (label=cluster) and as its `--filter` value (label=label=cluster)."""
    parts = [(key, label) for key, label in LABELS.items() if key != "program"]
    return {
        "names": dict(LABELS),
        "of": dict((key, {label: cluster}) for key, label in parts),
        "pair": dict((key, "%s=%s" % (label, cluster)) for key, label in parts),
        "filter": dict((key, "label=%s=%s" % (label, cluster)) for key, label in parts),
    }


def tags(cluster, region=None):
    """The tags of the cluster's AWS resources, and the EC2 filter that finds them."""
    result = {
        "names": {"cluster": CLUSTER_TAG, "tier": TIER_TAG, "region": REGION_TAG,
                  "transfer_bucket": TRANSFER_BUCKET_TAG, "role": ROLE_TAG},
        "cluster": {CLUSTER_TAG: cluster},
        "filter": {"tag:" + CLUSTER_TAG: cluster},
    }
    if region:
        result["iam"] = {CLUSTER_TAG: cluster, REGION_TAG: region}
    return result
