"""NAT gateway tags are found under their resource type, natgateway.

Real AWS: DescribeTags reports a NAT gateway's tags with resourceType "natgateway", and a filter
on that resource type finds them (TagSpecifications use the same name).
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TagDescription.html

moto files them as "nat-gateway", so a client filtering on natgateway (amazon.aws's
ec2_vpc_nat_gateway does) finds no tags and tags again on every run.
"""
from moto.ec2 import utils as ec2_utils

ec2_utils.EC2_PREFIX_TO_RESOURCE["nat"] = "natgateway"
