# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What of a cluster is still in an AWS account and region: terminate's last check.

Each kind is found the way terminate finds it to delete it, by the cluster's tag wherever the
API can filter or list tags, else by the name the cluster gives it (IAM's path, the log group,
the Auto Scaling target of a service). Something on its way out is not left: an instance
terminated, a NAT gateway deleted, an ECS cluster, capacity provider or task-definition revision
INACTIVE. Each finder takes a function that returns a boto3 client for a service.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.loadbearing.ecs.plugins.module_utils import naming

CLUSTER_TAG = naming.CLUSTER_TAG
GONE_INSTANCE_STATES = ("terminated",)


def _carries(tags, cluster, key="Key", value="Value"):
    return any(tag.get(key) == CLUSTER_TAG and tag.get(value) == cluster for tag in tags or [])


def _pages(client, operation, key, **arguments):
    for page in client.get_paginator(operation).paginate(**arguments):
        yield from page.get(key, [])


def ec2_kinds(client, cluster):
    tagged = [{"Name": "tag:" + CLUSTER_TAG, "Values": [cluster]}]
    found = {
        "vpcs": [v["VpcId"] for v in _pages(client, "describe_vpcs", "Vpcs", Filters=tagged)],
        "subnets": [s["SubnetId"] for s in _pages(client, "describe_subnets", "Subnets", Filters=tagged)],
        "route_tables": [r["RouteTableId"] for r in _pages(client, "describe_route_tables", "RouteTables", Filters=tagged)],
        "internet_gateways": [g["InternetGatewayId"] for g in
                              _pages(client, "describe_internet_gateways", "InternetGateways", Filters=tagged)],
        "security_groups": [g["GroupId"] for g in _pages(client, "describe_security_groups", "SecurityGroups", Filters=tagged)],
        "launch_templates": [t["LaunchTemplateName"] for t in
                             _pages(client, "describe_launch_templates", "LaunchTemplates", Filters=tagged)],
        "elastic_ips": [a["AllocationId"] for a in client.describe_addresses(Filters=tagged).get("Addresses", [])],
    }
    # A NAT gateway stays listed `deleted` for a while after it is gone.
    found["nat_gateways"] = [n["NatGatewayId"] for n in _pages(client, "describe_nat_gateways", "NatGateways", Filter=tagged)
                             if n["State"] != "deleted"]
    found["instances"] = [i["InstanceId"] for r in _pages(client, "describe_instances", "Reservations", Filters=tagged)
                          for i in r["Instances"] if i["State"]["Name"] not in GONE_INSTANCE_STATES]
    return found


def autoscaling_kinds(client, cluster):
    groups = _pages(client, "describe_auto_scaling_groups", "AutoScalingGroups",
                    Filters=[{"Name": "tag:" + CLUSTER_TAG, "Values": [cluster]}])
    return {"auto_scaling_groups": [g["AutoScalingGroupName"] for g in groups]}


def ecs_kinds(client, cluster):
    clusters = [c for c in client.describe_clusters(clusters=[cluster], include=["TAGS"]).get("clusters", [])
                if c.get("status") == "ACTIVE"]
    services = [arn for c in clusters for arn in _pages(client, "list_services", "serviceArns", cluster=c["clusterArn"])]
    providers, token = [], None
    while True:  # DescribeCapacityProviders has no paginator
        page = client.describe_capacity_providers(include=["TAGS"], **({"nextToken": token} if token else {}))
        providers.extend(p["name"] for p in page.get("capacityProviders", [])
                         if p.get("status") == "ACTIVE" and _carries(p.get("tags"), cluster, "key", "value"))
        token = page.get("nextToken")
        if not token:
            break
    revisions = []
    for family in _pages(client, "list_task_definition_families", "families", familyPrefix=cluster + "-", status="ACTIVE"):
        for arn in _pages(client, "list_task_definitions", "taskDefinitionArns", familyPrefix=family, status="ACTIVE"):
            if _carries(client.list_tags_for_resource(resourceArn=arn).get("tags"), cluster, "key", "value"):
                revisions.append(arn.split("/")[-1])
    return {"ecs_clusters": [c["clusterName"] for c in clusters], "ecs_services": services,
            "capacity_providers": providers, "task_definitions": revisions}


def ecr_kinds(client, cluster):
    repositories = [r for r in _pages(client, "describe_repositories", "repositories")
                    if _carries(client.list_tags_for_resource(resourceArn=r["repositoryArn"]).get("tags"), cluster)]
    return {"ecr_repositories": [r["repositoryName"] for r in repositories]}


def _tagged_arns(client, arns, cluster):
    tagged = []
    for start in range(0, len(arns), 20):  # DescribeTags takes at most 20 ARNs
        for description in client.describe_tags(ResourceArns=arns[start:start + 20]).get("TagDescriptions", []):
            if _carries(description.get("Tags"), cluster):
                tagged.append(description["ResourceArn"])
    return tagged


def elbv2_kinds(client, cluster):
    balancers = dict((b["LoadBalancerArn"], b["LoadBalancerName"])
                     for b in _pages(client, "describe_load_balancers", "LoadBalancers"))
    groups = dict((g["TargetGroupArn"], g["TargetGroupName"]) for g in _pages(client, "describe_target_groups", "TargetGroups"))
    return {"load_balancers": [balancers[arn] for arn in _tagged_arns(client, sorted(balancers), cluster)],
            "target_groups": [groups[arn] for arn in _tagged_arns(client, sorted(groups), cluster)]}


def application_autoscaling_kinds(client, cluster):
    # A service's scalable target is named after the cluster: service/<cluster>/<service>.
    prefix = "service/%s/" % cluster
    targets = _pages(client, "describe_scalable_targets", "ScalableTargets", ServiceNamespace="ecs")
    return {"scalable_targets": [t["ResourceId"] for t in targets if t["ResourceId"].startswith(prefix)]}


def logs_kinds(client, cluster):
    name = naming.log_group(cluster)
    groups = _pages(client, "describe_log_groups", "logGroups", logGroupNamePrefix=name)
    return {"log_groups": [g["logGroupName"] for g in groups if g["logGroupName"] == name]}


def iam_kinds(client, cluster, region):
    # The cluster's roles and profiles live under a path of their own, per region.
    path = naming.iam_path(cluster, region)
    return {"iam_roles": [r["RoleName"] for r in _pages(client, "list_roles", "Roles", PathPrefix=path)],
            "instance_profiles": [p["InstanceProfileName"] for p in
                                  _pages(client, "list_instance_profiles", "InstanceProfiles", PathPrefix=path)]}


def _error_code(error):
    return getattr(error, "response", {}).get("Error", {}).get("Code")


def s3_kinds(client, cluster, region):
    # Only the buckets named like the cluster's transfer bucket are asked for their tags: an
    # account may hold many others, some of which this identity may not read.
    buckets = []
    for bucket in client.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        if not (name.startswith(cluster + "-ssm-") and name.endswith("-" + region)):
            continue
        try:
            tags = client.get_bucket_tagging(Bucket=name).get("TagSet", [])
        except Exception as error:  # botocore's ClientError, told apart by its code
            if _error_code(error) not in ("NoSuchTagSet", "NoSuchBucket"):
                raise
            tags = []
        if _carries(tags, cluster):
            buckets.append(name)
    return {"s3_buckets": buckets}


def leftovers(client, cluster, region):
    """Every kind of the cluster still there, by kind; kinds with nothing left are left out.
    client(service) returns a boto3 client."""
    found = {}
    found.update(ec2_kinds(client("ec2"), cluster))
    found.update(autoscaling_kinds(client("autoscaling"), cluster))
    found.update(ecs_kinds(client("ecs"), cluster))
    found.update(ecr_kinds(client("ecr"), cluster))
    found.update(elbv2_kinds(client("elbv2"), cluster))
    found.update(application_autoscaling_kinds(client("application-autoscaling"), cluster))
    found.update(logs_kinds(client("logs"), cluster))
    found.update(iam_kinds(client("iam"), cluster, region))
    found.update(s3_kinds(client("s3"), cluster, region))
    return dict((kind, sorted(items)) for kind, items in found.items() if items)
