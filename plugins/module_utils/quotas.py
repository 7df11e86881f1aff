# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The account quotas a new cluster needs room in, read before anything is created.

A new account's quotas are low (AWS sets each account's applied values; the documented
defaults are 5 Elastic IPs, 5 VPCs and 5 on-demand standard vCPUs per region), and what hits
them fails late and far from its cause: a NAT gateway without an address, an Auto Scaling
group that never launches. Each quota is compared with what the rest of the account already
uses (the cluster's own resources, found by its tag, are part of what it needs, not of that).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.loadbearing.ecs.plugins.module_utils import naming

CLUSTER_TAG = naming.CLUSTER_TAG

ELASTIC_IPS = {"key": "elastic_ips", "service_code": "ec2", "quota_code": "L-0263D0A3",
               "name": "EC2-VPC Elastic IPs", "unit": "addresses"}
VPCS = {"key": "vpcs", "service_code": "vpc", "quota_code": "L-F678F1CE", "name": "VPCs per Region", "unit": "VPCs"}
ON_DEMAND_VCPUS = {"key": "on_demand_vcpus", "service_code": "ec2", "quota_code": "L-1216C47A",
                   "name": "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", "unit": "vCPUs"}
QUOTAS = (ELASTIC_IPS, VPCS, ON_DEMAND_VCPUS)

# Families of those letters that count against quotas of their own (Inf, HPC, Trn, DL, High
# Memory, Mac): https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html
_STANDARD_LETTERS = "acdhimrtz"
_OWN_QUOTA_PREFIXES = ("inf", "hpc", "trn", "dl", "u-", "u7", "mac")


def is_standard(instance_type):
    """Whether an instance type counts against the on-demand standard vCPU quota."""
    family = instance_type.split(".", 1)[0].lower()
    return family[:1] in _STANDARD_LETTERS and not family.startswith(_OWN_QUOTA_PREFIXES)


def tagged_with(resource, cluster):
    return any(tag.get("Key") == CLUSTER_TAG and tag.get("Value") == cluster for tag in resource.get("Tags") or [])


def others_usage(addresses, vpcs, instances, vcpus, cluster):
    """What the rest of the account uses of each quota (not the cluster's own resources).

    addresses, vpcs, instances: as EC2's DescribeAddresses, DescribeVpcs, DescribeInstances
    (instances flattened, pending or running); vcpus: instance type -> its vCPUs.
    """
    running = [i for i in instances if not tagged_with(i, cluster) and is_standard(i["InstanceType"])]
    return {
        "elastic_ips": len([a for a in addresses if a.get("Domain", "vpc") == "vpc" and not tagged_with(a, cluster)]),
        "vpcs": len([v for v in vpcs if not tagged_with(v, cluster)]),
        "on_demand_vcpus": sum(vcpus[i["InstanceType"]] for i in running),
    }


def cluster_needs(elastic_ips, vpcs, instances, vcpus):
    """What the cluster may use of each quota at most; instances: [{instance_type, count}]."""
    return {
        "elastic_ips": elastic_ips,
        "vpcs": vpcs,
        "on_demand_vcpus": sum(vcpus[i["instance_type"]] * i["count"] for i in instances if is_standard(i["instance_type"])),
    }


def increase_command(quota, value, region):
    return ("aws service-quotas request-service-quota-increase --service-code %s --quota-code %s "
            "--desired-value %d --region %s" % (quota["service_code"], quota["quota_code"], value, region))


def assess(values, used, needed, region):
    """Each quota with its value, what others use, what the cluster needs, and whether it is short.

    values: key -> the quota's value, or None when it could not be read (not checked then).
    """
    found = []
    for quota in QUOTAS:
        key = quota["key"]
        entry = dict(quota, value=values.get(key), used=used[key], needed=needed[key], short=False)
        if entry["value"] is not None:
            entry["available"] = max(int(entry["value"]) - used[key], 0)
            entry["short"] = needed[key] > entry["available"]
            entry["request"] = increase_command(quota, used[key] + needed[key], region)
        found.append(entry)
    return found


def shortage_message(assessed, region):
    """What is short, and how to raise it; '' when nothing is."""
    lines = []
    for entry in assessed:
        if entry["short"]:
            lines.append(
                "%(name)s (%(quota_code)s): the quota is %(value)d %(unit)s, %(used)d are used outside the cluster, "
                "and the cluster needs up to %(needed)d. Raise it to at least %(wanted)d in the Service Quotas console "
                "(https://console.aws.amazon.com/servicequotas/home/services/%(service_code)s/quotas/%(quota_code)s), "
                "or run: %(request)s" % dict(entry, value=int(entry["value"]), wanted=entry["used"] + entry["needed"]))
    if not lines:
        return ""
    return "The account's quotas in %s leave too little room for the cluster. %s" % (region, " ".join(lines))


def _error_code(error):
    return getattr(error, "response", {}).get("Error", {}).get("Code", "")


def read_quota(service_quotas, quota, errors):
    """The quota's applied value (AWS's default when none is applied); (None, why) when it cannot be read.

    errors: the exception classes of a failed call (botocore's ClientError, BotoCoreError).
    """
    arguments = {"ServiceCode": quota["service_code"], "QuotaCode": quota["quota_code"]}
    try:
        try:
            return service_quotas.get_service_quota(**arguments)["Quota"]["Value"], ""
        except errors as error:
            if _error_code(error) != "NoSuchResourceException":
                raise
            return service_quotas.get_aws_default_service_quota(**arguments)["Quota"]["Value"], ""
    except errors as error:
        return None, "%s (%s) could not be read, so it is not checked: %s" % (quota["name"], quota["quota_code"], error)


def elastic_ips_from_account_attributes(ec2, errors):
    """EC2's own figure for the Elastic IP quota (vpc-max-elastic-ips), for when Service Quotas is denied."""
    try:
        attributes = ec2.describe_account_attributes(AttributeNames=["vpc-max-elastic-ips"])["AccountAttributes"]
    except errors:
        return None
    for attribute in attributes:
        for value in attribute.get("AttributeValues", []):
            return float(value["AttributeValue"])
    return None
