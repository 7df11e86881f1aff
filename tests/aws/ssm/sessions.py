"""Session Manager's StartSession and TerminateSession, which moto does not implement.

As on AWS, a session opens only to an instance the SSM agent has registered: a running EC2
instance whose instance profile's role has the AmazonSSMManagedInstanceCore policy (the agent
registers with the role's credentials). Anything else is TargetNotConnected, the error a real
account returns for an instance without the policy, stopped, or unknown.
"""
import uuid

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.ssm.responses import SimpleSystemManagerResponse

SSM_POLICY = "policy/AmazonSSMManagedInstanceCore"
OPEN_SESSIONS = {}


class TargetNotConnected(JsonRESTError):
    def __init__(self, target):
        super().__init__("TargetNotConnected", "%s is not connected." % target)


def _registered(account, region, target):
    """Whether the agent on `target` would have registered with Systems Manager."""
    ec2 = ec2_backends[account][region]
    try:
        instance = ec2.get_instance(target)
    except Exception:  # moto raises its own InvalidInstanceID error: not an instance here
        return False
    if instance.state != "running":
        return False
    association = ec2.iam_instance_profile_associations.get(target)
    if association is None:
        return False
    return any(arn.endswith(SSM_POLICY) for role in association.iam_instance_profile.roles
               for arn in role.managed_policies)


def start_session(self):
    target = self._get_param("Target")
    if not _registered(self.current_account, self.region, target):
        raise TargetNotConnected(target)
    session_id = "loadbearing-%s" % uuid.uuid4().hex[:17]
    OPEN_SESSIONS[session_id] = target
    return ActionResult({
        "SessionId": session_id,
        "TokenValue": uuid.uuid4().hex,
        "StreamUrl": "wss://ssmmessages.%s.amazonaws.com/v1/data-channel/%s?role=publish_subscribe"
                     % (self.region, session_id),
    })


def terminate_session(self):
    session_id = self._get_param("SessionId")
    OPEN_SESSIONS.pop(session_id, None)
    return ActionResult({"SessionId": session_id})


SimpleSystemManagerResponse.start_session = start_session
SimpleSystemManagerResponse.terminate_session = terminate_session
