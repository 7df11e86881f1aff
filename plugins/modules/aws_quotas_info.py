#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: aws_quotas_info
short_description: Check the account quotas a cluster needs room in, before anything is created
version_added: 0.1.0
description:
  - Reads three quotas of the region from Service Quotas (the applied value, else AWS's default)
    and compares each with what the rest of the account uses and what the cluster needs at most.
  - C(EC2-VPC Elastic IPs) (L-0263D0A3) against O(elastic_ips); C(VPCs per Region) (L-F678F1CE)
    against O(vpcs); C(Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances)
    (L-1216C47A), in vCPUs, against O(instances) with the vCPUs of each type (DescribeInstanceTypes).
  - The cluster's own resources (tag C(loadbearing:cluster)) count as what it needs, not as used.
  - A quota that cannot be read (for example Service Quotas denied) is not checked, with a
    warning; the Elastic IP quota then comes from EC2's account attribute C(vpc-max-elastic-ips).
  - Only reads; it never fails for a shortage, it reports it in RV(short) and RV(msg).
options:
  cluster:
    description: Name of the cluster (value of its tag C(loadbearing:cluster)).
    type: str
    required: true
  elastic_ips:
    description: Elastic IP addresses the cluster needs (one per NAT gateway).
    type: int
    default: 1
  vpcs:
    description: VPCs the cluster needs.
    type: int
    default: 1
  instances:
    description: The most instances the cluster may run at once, by type.
    type: list
    elements: dict
    default: []
    suboptions:
      instance_type:
        description: EC2 instance type.
        type: str
        required: true
      count:
        description: How many of this type, at most.
        type: int
        required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Check the quotas a cluster of six t3.small hosts and one NAT gateway needs
  loadbearing.ecs.aws_quotas_info:
    cluster: demo
    elastic_ips: 1
    instances:
      - {instance_type: t3.small, count: 6}
  register: quotas

- name: Stop when one is short
  ansible.builtin.assert:
    that: quotas.short | length == 0
    fail_msg: "{{ quotas.msg }}"
"""

RETURN = r"""
quotas:
  description: Each quota checked.
  returned: always
  type: list
  elements: dict
  contains:
    key:
      description: elastic_ips, vpcs or on_demand_vcpus.
      type: str
    name:
      description: The quota's name in Service Quotas.
      type: str
    service_code:
      description: Service Quotas service code.
      type: str
    quota_code:
      description: Service Quotas quota code.
      type: str
    value:
      description: The quota's value; null when it could not be read.
      type: float
    used:
      description: How much of it the rest of the account uses now.
      type: int
    needed:
      description: How much of it the cluster needs at most.
      type: int
    short:
      description: Whether the cluster needs more than is left.
      type: bool
short:
  description: Names of the quotas that are short.
  returned: always
  type: list
  elements: str
  sample: ["Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"]
msg:
  description: What is short and how to raise it (the Service Quotas console, or the AWS CLI command); empty when nothing is.
  returned: always
  type: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.loadbearing.ecs.plugins.module_utils.quotas import (
    ELASTIC_IPS, QUOTAS, assess, cluster_needs, elastic_ips_from_account_attributes, others_usage, read_quota,
    shortage_message)


def _pages(client, operation, key, **arguments):
    found = []
    for page in client.get_paginator(operation).paginate(**arguments):
        found.extend(page[key])
    return found


def _vcpus(ec2, instance_types):
    vcpus = {}
    wanted = sorted(set(instance_types))
    for start in range(0, len(wanted), 100):
        for described in _pages(ec2, "describe_instance_types", "InstanceTypes", InstanceTypes=wanted[start:start + 100]):
            vcpus[described["InstanceType"]] = described["VCpuInfo"]["DefaultVCpus"]
    return vcpus


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            cluster=dict(type="str", required=True),
            elastic_ips=dict(type="int", default=1),
            vpcs=dict(type="int", default=1),
            instances=dict(type="list", elements="dict", default=[], options=dict(
                instance_type=dict(type="str", required=True),
                count=dict(type="int", required=True))),
        ),
        supports_check_mode=True,
    )
    retry = AWSRetry.jittered_backoff()
    ec2 = module.client("ec2", retry_decorator=retry)
    service_quotas = module.client("service-quotas", retry_decorator=retry)
    errors = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
    cluster = module.params["cluster"]
    region = module.region
    try:
        addresses = ec2.describe_addresses(aws_retry=True)["Addresses"]
        vpcs = _pages(ec2, "describe_vpcs", "Vpcs")
        instances = [i for r in _pages(ec2, "describe_instances", "Reservations",
                                       Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}])
                     for i in r["Instances"]]
        vcpus = _vcpus(ec2, [i["InstanceType"] for i in instances] + [i["instance_type"] for i in module.params["instances"]])
    except errors as error:
        module.fail_json_aws(error, msg="Could not read what the account uses in %s" % region)
    unknown = sorted(set(i["instance_type"] for i in module.params["instances"]) - set(vcpus))
    if unknown:
        module.fail_json(msg="Instance type(s) %s do not exist in %s." % (", ".join(unknown), region))

    values = {}
    for quota in QUOTAS:
        values[quota["key"]], why = read_quota(service_quotas, quota, errors)
        if why:
            module.warn(why)
    if values["elastic_ips"] is None:
        values["elastic_ips"] = elastic_ips_from_account_attributes(ec2, errors)
        if values["elastic_ips"] is not None:
            module.warn("%s taken from EC2's account attribute vpc-max-elastic-ips instead." % ELASTIC_IPS["name"])

    used = others_usage(addresses, vpcs, instances, vcpus, cluster)
    needed = cluster_needs(module.params["elastic_ips"], module.params["vpcs"], module.params["instances"], vcpus)
    assessed = assess(values, used, needed, region)
    module.exit_json(changed=False, quotas=assessed, short=[q["name"] for q in assessed if q["short"]],
                     msg=shortage_message(assessed, region))


if __name__ == "__main__":
    main()
