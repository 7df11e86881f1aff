"""Network interfaces hold their subnet and security groups, and an ALB's outlive it for a while.

Real AWS:
- An Application Load Balancer has a requester-managed network interface in each of its subnets
  ("ELB app/<name>/<id>", owned by amazon-elb), carrying its security groups; an internet-facing
  one's carry public addresses. After DeleteLoadBalancer they stay for minutes before ELB releases
  them.
  - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html
  - https://repost.aws/knowledge-center/troubleshoot-dependency-error-delete-vpc
- DeleteSubnet fails while any network interface is in the subnet ("The subnet 'subnet-...' has
  dependencies and cannot be deleted."), DeleteSecurityGroup while any interface uses the group
  ("resource sg-... has a dependent object"), both with DependencyViolation.
  - https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html
  - https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html
- DetachInternetGateway fails while public addresses are mapped in the VPC (an Elastic IP of a NAT
  gateway, an internet-facing ALB's interfaces): "Network vpc-... has some mapped public
  address(es). Please unmap those public address(es) before detaching the gateway."
  - https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachInternetGateway.html

moto makes no interface for an ALB and deletes subnets, groups and gateway attachments whatever
still uses them. Here ALB_LINGER_SECONDS is how long an ALB's interfaces stay after its deletion.
"""
import functools
import threading

from moto.ec2.exceptions import DependencyViolationError
from moto.ec2.models import EC2Backend
from moto.elbv2.models import ELBv2Backend

ALB_LINGER_SECONDS = 30


def _interfaces(ec2):
    return list(ec2.enis.values())


def _public_address_in(eni):
    return bool(getattr(eni, "public_ip", None)) or getattr(eni, "model_public", False)


_create_load_balancer = ELBv2Backend.create_load_balancer


@functools.wraps(_create_load_balancer)
def _create_with_interfaces(self, name, security_groups, subnet_ids, *args, **kwargs):
    balancer = _create_load_balancer(self, name, security_groups, subnet_ids, *args, **kwargs)
    public = balancer.scheme == "internet-facing"
    balancer.model_interfaces = []
    for subnet in balancer.subnets:
        eni = self.ec2_backend.create_network_interface(
            subnet, None, group_ids=list(security_groups or []),
            description="ELB app/%s/%s" % (name, balancer.arn.rsplit("/", 1)[-1]))
        eni.requester_managed = True
        eni.requester_id = "amazon-elb"
        eni.status = "in-use"
        eni.model_public = public
        balancer.model_interfaces.append(eni.id)
    return balancer


_delete_load_balancer = ELBv2Backend.delete_load_balancer


@functools.wraps(_delete_load_balancer)
def _delete_leaving_interfaces(self, arn):
    balancer = self.load_balancers.get(arn)
    _delete_load_balancer(self, arn)
    if balancer is None:
        return
    ec2 = self.ec2_backend

    def release():
        for eni_id in getattr(balancer, "model_interfaces", []):
            ec2.enis.pop(eni_id, None)

    timer = threading.Timer(ALB_LINGER_SECONDS, release)
    timer.daemon = True
    timer.start()


_delete_subnet = EC2Backend.delete_subnet


@functools.wraps(_delete_subnet)
def _delete_unused_subnet(self, subnet_id):
    if any(eni.subnet is not None and eni.subnet.id == subnet_id for eni in _interfaces(self)):
        raise DependencyViolationError("The subnet '%s' has dependencies and cannot be deleted." % subnet_id)
    return _delete_subnet(self, subnet_id)


_delete_security_group = EC2Backend.delete_security_group


@functools.wraps(_delete_security_group)
def _delete_unused_group(self, name=None, group_id=None):
    if group_id and any(group_id in [g.id for g in eni.group_set] for eni in _interfaces(self)):
        raise DependencyViolationError("resource %s has a dependent object" % group_id)
    return _delete_security_group(self, name=name, group_id=group_id)


_detach_internet_gateway = EC2Backend.detach_internet_gateway


@functools.wraps(_detach_internet_gateway)
def _detach_when_nothing_is_mapped(self, internet_gateway_id, vpc_id):
    mapped = [eni for eni in _interfaces(self)
              if eni.subnet is not None and eni.subnet.vpc_id == vpc_id and _public_address_in(eni)]
    if mapped:
        raise DependencyViolationError(
            "Network %s has some mapped public address(es). Please unmap those public address(es) "
            "before detaching the gateway." % vpc_id)
    return _detach_internet_gateway(self, internet_gateway_id, vpc_id)


ELBv2Backend.create_load_balancer = _create_with_interfaces
ELBv2Backend.delete_load_balancer = _delete_leaving_interfaces
EC2Backend.delete_subnet = _delete_unused_subnet
EC2Backend.delete_security_group = _delete_unused_group
EC2Backend.detach_internet_gateway = _detach_when_nothing_is_mapped
