"""Preflight stops init before anything is created when the account's quotas leave too little room.

The quotas are Service Quotas' answers of models/service_quotas.py; what the account uses is the
emulator's EC2 state.
"""
import pytest

from leftovers import leftovers
from models.control import call

VCPUS = ("ec2", "L-1216C47A")


@pytest.fixture
def aws(emulator):
    emulator.reset()
    return emulator


def set_quota(emulator, quota, value):
    call(emulator.url, "service-quota", region="us-east-1", service_code=quota[0], quota_code=quota[1], value=value)


def test_model_service_quotas_answers_ec2_quotas_with_the_account_applied_values(aws):
    quotas = aws.client("service-quotas")
    assert quotas.get_service_quota(ServiceCode="ec2", QuotaCode="L-1216C47A")["Quota"]["Value"] == 32
    assert quotas.get_aws_default_service_quota(ServiceCode="ec2", QuotaCode="L-1216C47A")["Quota"]["Value"] == 5
    assert quotas.get_service_quota(ServiceCode="ec2", QuotaCode="L-0263D0A3")["Quota"]["Value"] == 5
    assert quotas.get_service_quota(ServiceCode="vpc", QuotaCode="L-F678F1CE")["Quota"]["Value"] == 5
    set_quota(aws, VCPUS, 8)
    assert quotas.get_service_quota(ServiceCode="ec2", QuotaCode="L-1216C47A")["Quota"]["Value"] == 8


def test_a_low_vcpu_quota_stops_init_naming_it(aws):
    # Six t3.small hosts at most, a t3.medium build host and a c6i.large load generator: 16 vCPUs.
    set_quota(aws, VCPUS, 8)
    run = aws.playbook("init.yml")
    assert run.rc != 0
    failure = run.failure()
    assert "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances (L-1216C47A): the quota is 8 vCPUs, " \
           "0 are used outside the cluster, and the cluster needs up to 16" in failure, failure
    assert "aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A " \
           "--desired-value 16 --region us-east-1" in failure, failure
    assert leftovers(aws, "demo") == {}
    # Fewer hosts fit: 2 t3.small hosts and the two remote hosts need 8 vCPUs.
    result = aws.module("loadbearing.ecs.aws_quotas_info", cluster="demo", instances=[
        {"instance_type": "t3.small", "count": 2}, {"instance_type": "t3.medium", "count": 1},
        {"instance_type": "c6i.large", "count": 1}]).result()
    assert result["short"] == [] and result["quotas"][2]["needed"] == 8


def test_elastic_ips_used_elsewhere_stop_init_naming_the_quota(aws):
    ec2 = aws.client("ec2")
    for _address in range(5):
        ec2.allocate_address(Domain="vpc")
    run = aws.playbook("init.yml")
    assert run.rc != 0
    failure = run.failure()
    assert "EC2-VPC Elastic IPs (L-0263D0A3): the quota is 5 addresses, 5 are used outside the cluster" in failure, failure
    assert leftovers(aws, "demo") == {}
