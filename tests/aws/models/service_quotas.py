"""Service Quotas answers for EC2's quotas, with the account's applied values.

Real AWS: GetServiceQuota answers a quota's applied value for the account in the region;
GetAWSDefaultServiceQuota answers AWS's default. AWS sets each account's applied values (they
grow with use, and approved increase requests raise them), so two accounts see different
values. The defaults: EC2-VPC Elastic IPs (L-0263D0A3) 5, Running On-Demand Standard (A, C, D,
H, I, M, R, T, Z) instances (L-1216C47A) 5 vCPUs, VPCs per Region (L-F678F1CE) 5.
- https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html
- https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetAWSDefaultServiceQuota.html
- https://docs.aws.amazon.com/general/latest/gr/ec2-service.html
- https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html

moto answers the vpc service's defaults only, and has no GetAWSDefaultServiceQuota. Here both
answer the three quotas. The emulated account's applied vCPU quota is 32 (an account AWS has
raised above the default of 5, as it does for most; the demo cluster needs 16), the others
their defaults; POST /moto-api/models/service-quota {"region", "service_code", "quota_code",
"value"} sets an applied value, as AWS does for an account.
"""
import json

from moto.servicequotas.exceptions import NoSuchResource
from moto.servicequotas.models import ServiceQuotasBackend, servicequotas_backends
from moto.servicequotas.responses import ServiceQuotasResponse

from models.control import route

ACCOUNT = "123456789012"
DEFAULTS = {
    ("ec2", "L-0263D0A3"): ("EC2-VPC Elastic IPs", "Amazon Elastic Compute Cloud (Amazon EC2)", 5.0),
    ("ec2", "L-1216C47A"): ("Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
                            "Amazon Elastic Compute Cloud (Amazon EC2)", 5.0),
    ("vpc", "L-F678F1CE"): ("VPCs per Region", "Amazon Virtual Private Cloud (Amazon VPC)", 5.0),
}
APPLIED = {("ec2", "L-1216C47A"): 32.0}


def _quota(backend, service_code, quota_code, value):
    name, service_name = DEFAULTS[(service_code, quota_code)][:2]
    return {"ServiceCode": service_code, "ServiceName": service_name, "QuotaCode": quota_code, "QuotaName": name,
            "QuotaArn": "arn:aws:servicequotas:%s:%s:%s/%s" % (backend.region_name, backend.account_id, service_code, quota_code),
            "Value": value, "Unit": "None", "Adjustable": True, "GlobalQuota": False}


def _applied(backend):
    if not hasattr(backend, "applied_values"):
        backend.applied_values = dict(APPLIED)
    return backend.applied_values


_moto_get_service_quota = ServiceQuotasBackend.get_service_quota


def get_service_quota(self, service_code, quota_code):
    if (service_code, quota_code) not in DEFAULTS:
        return _moto_get_service_quota(self, service_code, quota_code)
    value = _applied(self).get((service_code, quota_code), DEFAULTS[(service_code, quota_code)][2])
    return _quota(self, service_code, quota_code, value)


def get_aws_default_service_quota(self, service_code, quota_code):
    if (service_code, quota_code) not in DEFAULTS:
        raise NoSuchResource
    return _quota(self, service_code, quota_code, DEFAULTS[(service_code, quota_code)][2])


def _get_default(self):
    params = json.loads(self.body)
    return json.dumps({"Quota": self.backend.get_aws_default_service_quota(params["ServiceCode"], params["QuotaCode"])})


def set_applied_value(body):
    backend = servicequotas_backends[body.get("account_id", ACCOUNT)][body.get("region", "us-east-1")]
    _applied(backend)[(body["service_code"], body["quota_code"])] = float(body["value"])
    return backend.get_service_quota(body["service_code"], body["quota_code"])


ServiceQuotasBackend.get_service_quota = get_service_quota
ServiceQuotasBackend.get_aws_default_service_quota = get_aws_default_service_quota
ServiceQuotasResponse.get_aws_default_service_quota = _get_default
route("service-quota", set_applied_value)
