"""A deleted NAT gateway stays `deleting` for a while, holding its interface and its Elastic IP.

Real AWS: DeleteNatGateway returns at once; the gateway is `deleting` for about a minute, then
`deleted`. Until then its network interface stays in its subnet and its Elastic IP stays mapped,
so ReleaseAddress fails ("AuthFailure: You do not have permission to access the specified
resource.": the address belongs to an interface AWS manages), DeleteSubnet fails, and
DetachInternetGateway fails ("has some mapped public address(es)"). DeleteNatGateway on a gateway
already `deleting` succeeds and changes nothing.
- https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html ("Delete a NAT
  gateway": "It can take up to an hour ... The Elastic IP address ... remains associated until
  the NAT gateway is deleted")
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNatGateway.html

moto marks the gateway `deleted` at once and leaves its interface and address association for
good. Here the deletion takes DELETING_SECONDS, then the interface goes and the address is free.
"""
import functools
import threading

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models import EC2Backend

DELETING_SECONDS = 25


class AddressHeldByNatGateway(EC2ClientError):
    def __init__(self):
        super().__init__("AuthFailure", "You do not have permission to access the specified resource.")


def _finish(ec2, gateway):
    for address in list(ec2.addresses):
        if address.eni is not None and address.eni.id == gateway._eni.id:
            ec2.disassociate_address(address=address.public_ip)
    ec2.enis.pop(gateway._eni.id, None)
    gateway.state = "deleted"


def _delete_slowly(self, nat_gateway_id):
    gateway = self.nat_gateways.get(nat_gateway_id)
    if gateway is None or gateway.state in ("deleting", "deleted"):
        return gateway
    gateway.state = "deleting"
    timer = threading.Timer(DELETING_SECONDS, _finish, (self, gateway))
    timer.daemon = True
    timer.start()
    return gateway


_release_address = EC2Backend.release_address


@functools.wraps(_release_address)
def _release_unless_a_gateway_holds_it(self, address=None, allocation_id=None):
    held = {gateway._eni.id for gateway in self.nat_gateways.values() if gateway.state != "deleted"}
    for eip in self.addresses:
        if (eip.public_ip == address or (allocation_id and eip.allocation_id == allocation_id)) \
                and eip.eni is not None and eip.eni.id in held:
            raise AddressHeldByNatGateway()
    return _release_address(self, address=address, allocation_id=allocation_id)


EC2Backend.delete_nat_gateway = _delete_slowly
EC2Backend.release_address = _release_unless_a_gateway_holds_it
