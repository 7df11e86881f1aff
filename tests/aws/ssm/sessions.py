"""Session Manager's StartSession, TerminateSession and DescribeInstanceInformation, which moto
does not implement.

As on AWS, a session opens only to an instance the SSM agent has registered: a running EC2
instance whose instance profile's role has the AmazonSSMManagedInstanceCore policy (the agent
registers with the role's credentials), once the agent is online. Anything else is
TargetNotConnected, the error a real account returns for an instance without the policy, stopped,
unknown, or whose agent has not come online yet.

The agent comes online some time after EC2 says `running`: after first boot, after its own
install from user data (Debian's images have none), and again after a stop and start. Here that
is AGENT_ONLINE_SECONDS after the instance last became `running`. DescribeInstanceInformation
lists an instance the agent has registered once: Online while it is, ConnectionLost after.
- https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-troubleshooting.html
  (TargetNotConnected)
- https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html
"""
import datetime
import functools
import time
import uuid

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.ec2.models.instances import Instance
from moto.ssm.responses import SimpleSystemManagerResponse

SSM_POLICY = "policy/AmazonSSMManagedInstanceCore"
AGENT_ONLINE_SECONDS = 15
OPEN_SESSIONS = {}
# Instances whose agent has been online once: DescribeInstanceInformation keeps listing them.
REGISTERED = set()


class TargetNotConnected(JsonRESTError):
    def __init__(self, target):
        super().__init__("TargetNotConnected", "%s is not connected." % target)


_init_instance = Instance.__init__
_start_instance = Instance.start


@functools.wraps(_init_instance)
def _init_noting_the_boot(self, *args, **kwargs):
    _init_instance(self, *args, **kwargs)
    self.model_running_since = time.time()


@functools.wraps(_start_instance)
def _start_noting_the_boot(self, *args, **kwargs):
    previous = _start_instance(self, *args, **kwargs)
    self.model_running_since = time.time()
    return previous


Instance.__init__ = _init_noting_the_boot
Instance.start = _start_noting_the_boot


def _registered(account, region, target):
    """Whether the agent on `target` is registered with Systems Manager and online now."""
    ec2 = ec2_backends[account][region]
    try:
        instance = ec2.get_instance(target)
    except Exception:  # moto raises its own InvalidInstanceID error: not an instance here
        return False
    if instance.state != "running":
        return False
    if time.time() - getattr(instance, "model_running_since", 0) < AGENT_ONLINE_SECONDS:
        return False
    association = ec2.iam_instance_profile_associations.get(target)
    if association is None:
        return False
    online = any(arn.endswith(SSM_POLICY) for role in association.iam_instance_profile.roles
                 for arn in role.managed_policies)
    if online:
        REGISTERED.add(target)
    return online


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


def describe_instance_information(self):
    wanted = set()
    for item in (self._get_param("InstanceInformationFilterList") or []) + (self._get_param("Filters") or []):
        if item.get("key", item.get("Key")) in ("InstanceIds", "InstanceIds".lower()):
            wanted.update(item.get("valueSet", item.get("Values", [])))
    ec2 = ec2_backends[self.current_account][self.region]
    listed = []
    for instance in ec2.all_instances():
        if wanted and instance.id not in wanted:
            continue
        online = _registered(self.current_account, self.region, instance.id)
        if instance.id not in REGISTERED:
            continue
        listed.append({"InstanceId": instance.id, "PingStatus": "Online" if online else "ConnectionLost",
                       "LastPingDateTime": datetime.datetime.now(datetime.timezone.utc), "AgentVersion": "3.3.0.0", "PlatformType": "Linux",
                       "ResourceType": "EC2Instance", "IsLatestVersion": True})
    return ActionResult({"InstanceInformationList": listed})


SimpleSystemManagerResponse.start_session = start_session
SimpleSystemManagerResponse.describe_instance_information = describe_instance_information
SimpleSystemManagerResponse.terminate_session = terminate_session
