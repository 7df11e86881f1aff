"""The quotas a cluster needs room in (module_utils/quotas.py)."""
from ansible_collections.loadbearing.ecs.plugins.module_utils.quotas import (
    assess, cluster_needs, elastic_ips_from_account_attributes, is_standard, others_usage, read_quota,
    shortage_message)

MINE = [{"Key": "loadbearing:cluster", "Value": "demo"}]
THEIRS = [{"Key": "loadbearing:cluster", "Value": "other"}]
VCPUS = {"t3.small": 2, "t3.medium": 2, "c6i.large": 2, "m5.4xlarge": 16, "inf2.xlarge": 4, "g5.xlarge": 4}


class AwsError(Exception):
    def __init__(self, code):
        super().__init__("An error occurred (%s)" % code)
        self.response = {"Error": {"Code": code, "Message": code}}


class ServiceQuotas(object):
    """Answers from `applied` and `defaults` ((service, code) -> value), or raises `error` for every call."""

    def __init__(self, applied=None, defaults=None, error=None):
        self.applied, self.defaults, self.error = applied or {}, defaults or {}, error

    def _answer(self, values, ServiceCode, QuotaCode):
        if self.error:
            raise self.error
        if (ServiceCode, QuotaCode) not in values:
            raise AwsError("NoSuchResourceException")
        return {"Quota": {"Value": values[(ServiceCode, QuotaCode)]}}

    def get_service_quota(self, **arguments):
        return self._answer(self.applied, **arguments)

    def get_aws_default_service_quota(self, **arguments):
        return self._answer(self.defaults, **arguments)


def test_standard_families_and_those_with_quotas_of_their_own():
    assert [is_standard(t) for t in ("t3.small", "c6i.large", "m7g.medium", "r5.large", "z1d.large", "d3.xlarge")] == [True] * 6
    assert [is_standard(t) for t in ("inf2.xlarge", "hpc7g.4xlarge", "trn1.2xlarge", "dl1.24xlarge",
                                     "u-6tb1.metal", "mac2.metal", "g5.xlarge", "p4d.24xlarge", "x2idn.large")] == [False] * 9


def test_the_cluster_own_resources_are_not_counted_as_used():
    addresses = [{"Domain": "vpc", "Tags": MINE}, {"Domain": "vpc", "Tags": THEIRS}, {"Domain": "vpc"}]
    vpcs = [{"VpcId": "default"}, {"VpcId": "mine", "Tags": MINE}]
    instances = [{"InstanceType": "t3.small", "Tags": MINE}, {"InstanceType": "m5.4xlarge"},
                 {"InstanceType": "inf2.xlarge"}, {"InstanceType": "c6i.large", "Tags": THEIRS}]
    assert others_usage(addresses, vpcs, instances, VCPUS, "demo") == {"elastic_ips": 2, "vpcs": 1, "on_demand_vcpus": 18}


def test_needs_count_the_most_instances_of_each_type():
    instances = [{"instance_type": "t3.small", "count": 6}, {"instance_type": "t3.medium", "count": 1},
                 {"instance_type": "c6i.large", "count": 1}, {"instance_type": "g5.xlarge", "count": 1}]
    assert cluster_needs(2, 1, instances, VCPUS) == {"elastic_ips": 2, "vpcs": 1, "on_demand_vcpus": 16}


def test_a_short_quota_is_named_with_how_to_raise_it():
    used = {"elastic_ips": 4, "vpcs": 1, "on_demand_vcpus": 0}
    needed = {"elastic_ips": 2, "vpcs": 1, "on_demand_vcpus": 16}
    assessed = assess({"elastic_ips": 5.0, "vpcs": 5.0, "on_demand_vcpus": 16.0}, used, needed, "eu-west-1")
    assert [q["short"] for q in assessed] == [True, False, False]
    message = shortage_message(assessed, "eu-west-1")
    assert message.startswith("The account's quotas in eu-west-1 leave too little room for the cluster.")
    assert "EC2-VPC Elastic IPs (L-0263D0A3): the quota is 5 addresses, 4 are used outside the cluster, " \
           "and the cluster needs up to 2. Raise it to at least 6" in message
    assert "aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 " \
           "--desired-value 6 --region eu-west-1" in message
    assert "VPCs" not in message and "L-1216C47A" not in message


def test_a_quota_that_could_not_be_read_is_not_checked():
    used = {"elastic_ips": 9, "vpcs": 9, "on_demand_vcpus": 99}
    needed = {"elastic_ips": 1, "vpcs": 1, "on_demand_vcpus": 16}
    assessed = assess({"elastic_ips": None, "vpcs": None, "on_demand_vcpus": None}, used, needed, "us-east-1")
    assert [q["short"] for q in assessed] == [False] * 3
    assert shortage_message(assessed, "us-east-1") == ""


def test_read_quota_takes_the_applied_value_then_the_default():
    quota = {"service_code": "ec2", "quota_code": "L-1216C47A", "name": "vCPUs"}
    applied = ServiceQuotas(applied={("ec2", "L-1216C47A"): 64.0}, defaults={("ec2", "L-1216C47A"): 5.0})
    assert read_quota(applied, quota, AwsError) == (64.0, "")
    assert read_quota(ServiceQuotas(defaults={("ec2", "L-1216C47A"): 5.0}), quota, AwsError) == (5.0, "")


def test_read_quota_warns_when_service_quotas_is_denied():
    quota = {"service_code": "ec2", "quota_code": "L-1216C47A", "name": "vCPUs"}
    value, why = read_quota(ServiceQuotas(error=AwsError("AccessDeniedException")), quota, AwsError)
    assert value is None
    assert why.startswith("vCPUs (L-1216C47A) could not be read, so it is not checked:") and "AccessDenied" in why


def test_elastic_ips_from_ec2_account_attributes():
    class Ec2(object):
        def __init__(self, error=None):
            self.error = error

        def describe_account_attributes(self, AttributeNames):
            if self.error:
                raise self.error
            return {"AccountAttributes": [{"AttributeName": AttributeNames[0], "AttributeValues": [{"AttributeValue": "5"}]}]}

    assert elastic_ips_from_account_attributes(Ec2(), AwsError) == 5.0
    assert elastic_ips_from_account_attributes(Ec2(AwsError("UnauthorizedOperation")), AwsError) is None
