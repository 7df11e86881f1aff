"""Everything of a cluster that is still in the account, looked up service by service with boto3."""

CLUSTER_TAG = "loadbearing:cluster"


def _tagged(tags, cluster, key="Key", value="Value"):
    return any(tag.get(key) == CLUSTER_TAG and tag.get(value) == cluster for tag in tags or [])


def leftovers(emulator, cluster):
    ec2 = emulator.client("ec2")
    tag_filter = [{"Name": "tag:" + CLUSTER_TAG, "Values": [cluster]}]
    found = {}
    vpcs = [v["VpcId"] for v in ec2.describe_vpcs(Filters=tag_filter)["Vpcs"]]
    found["vpcs"] = vpcs
    found["subnets"] = [s["SubnetId"] for s in ec2.describe_subnets(Filters=tag_filter)["Subnets"]]
    found["route_tables"] = [r["RouteTableId"] for r in ec2.describe_route_tables(Filters=tag_filter)["RouteTables"]]
    found["internet_gateways"] = [g["InternetGatewayId"] for g in ec2.describe_internet_gateways(Filters=tag_filter)["InternetGateways"]]
    # moto files NAT gateway tags under another resource type: look in the cluster's VPCs too. One
    # still `deleting` holds its address and interface: it is not gone yet.
    found["nat_gateways"] = [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"]
                             if n["State"] != "deleted"
                             and (n["VpcId"] in vpcs or _tagged(n.get("Tags"), cluster))]
    found["elastic_ips"] = [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]
                            if _tagged(a.get("Tags"), cluster) or a.get("AssociationId")]
    found["security_groups"] = [g["GroupId"] for g in ec2.describe_security_groups(Filters=tag_filter)["SecurityGroups"]]
    found["instances"] = [i["InstanceId"] for r in ec2.describe_instances(Filters=tag_filter)["Reservations"]
                          for i in r["Instances"] if i["State"]["Name"] != "terminated"]
    found["launch_templates"] = [t["LaunchTemplateName"] for t in ec2.describe_launch_templates(Filters=tag_filter)["LaunchTemplates"]]

    asg = emulator.client("autoscaling")
    found["auto_scaling_groups"] = [g["AutoScalingGroupName"] for g in asg.describe_auto_scaling_groups()["AutoScalingGroups"]
                                    if _tagged(g.get("Tags"), cluster)]

    ecs = emulator.client("ecs")
    clusters = ecs.describe_clusters(clusters=[cluster])["clusters"]
    found["ecs_clusters"] = [c["clusterName"] for c in clusters if c["status"] == "ACTIVE"]
    found["ecs_services"] = [s for c in found["ecs_clusters"] for s in ecs.list_services(cluster=c)["serviceArns"]]
    found["task_definitions"] = [arn for arn in ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]
                                 if ":task-definition/%s-" % cluster in arn]
    providers = ecs.describe_capacity_providers(capacityProviders=[cluster + "-hosts"])["capacityProviders"]
    found["capacity_providers"] = [p["name"] for p in providers if p.get("status") == "ACTIVE"]

    ecr = emulator.client("ecr")
    found["ecr_repositories"] = [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]
                                 if r["repositoryName"].startswith(cluster + "/")]

    elb = emulator.client("elbv2")
    lbs = elb.describe_load_balancers()["LoadBalancers"]
    tags = {d["ResourceArn"]: d["Tags"] for d in elb.describe_tags(ResourceArns=[lb["LoadBalancerArn"] for lb in lbs])["TagDescriptions"]} if lbs else {}
    found["load_balancers"] = [lb["LoadBalancerName"] for lb in lbs if _tagged(tags.get(lb["LoadBalancerArn"]), cluster)]
    groups = elb.describe_target_groups()["TargetGroups"]
    tags = {d["ResourceArn"]: d["Tags"] for d in elb.describe_tags(ResourceArns=[g["TargetGroupArn"] for g in groups])["TagDescriptions"]} if groups else {}
    found["target_groups"] = [g["TargetGroupName"] for g in groups if _tagged(tags.get(g["TargetGroupArn"]), cluster)]

    scaling = emulator.client("application-autoscaling")
    prefix = "service/%s/" % cluster
    found["scalable_targets"] = [t["ResourceId"] for t in scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
                                 if t["ResourceId"].startswith(prefix)]
    found["scaling_policies"] = [p["PolicyName"] for p in scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
                                 if p["ResourceId"].startswith(prefix)]
    cloudwatch = emulator.client("cloudwatch")
    found["alarms"] = [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]
                       if any(d.get("Value", "").startswith("targetgroup/%s-" % cluster) for d in a.get("Dimensions", []))
                       or cluster in a["AlarmName"]]

    logs = emulator.client("logs")
    found["log_groups"] = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/loadbearing/%s" % cluster)["logGroups"]]

    iam = emulator.client("iam")
    path = "/loadbearing/%s/" % cluster
    found["iam_roles"] = [r["RoleName"] for r in iam.list_roles(PathPrefix=path)["Roles"]]
    found["instance_profiles"] = [p["InstanceProfileName"] for p in iam.list_instance_profiles(PathPrefix=path)["InstanceProfiles"]]

    s3 = emulator.client("s3")
    found["s3_buckets"] = []
    for bucket in s3.list_buckets()["Buckets"]:
        try:
            tags = s3.get_bucket_tagging(Bucket=bucket["Name"])["TagSet"]
        except s3.exceptions.ClientError:
            tags = []
        if _tagged(tags, cluster):
            found["s3_buckets"].append(bucket["Name"])
    return {kind: items for kind, items in found.items() if items}
