"""ECS reads that AWS refuses: throttled (ThrottlingException) or denied (AccessDeniedException).

Real AWS: ECS throttles every account's API calls per Region with a token bucket; past the burst a
call fails with ThrottlingException ("Rate exceeded"), which the SDKs retry a few times before they
give up. A caller whose policies do not allow an action gets AccessDeniedException ("User: ... is
not authorized to perform: ecs:ListServices on resource: ..."). Neither means "nothing there".
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html
- https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html

moto answers every call. Here ListServices and DescribeServices answer an error while a switch,
which a test flips on the running server, says so:

    POST /moto-api/loadbearing/ecs-read-errors
    {"operation": "DescribeServices", "code": "ThrottlingException", "after": "RegisterTaskDefinition", "count": 5}

makes the calls of the operation fail with `code`: `count` of them (left out, or null: every call
until the switch is cleared), from the first call of the ECS operation `after` on (left out: at
once), so that a burst can hit one step of a playbook and not the reads before it. A body
without `code` clears the operation's switch; GET returns the switches, each with the calls seen
since it opened (`seen`) and the calls refused (`refused`), and the ECS operations called since
the last switch was set (`trace`). /moto-api/reset clears every switch.
"""
import functools
import json

from moto.ecs.responses import EC2ContainerServiceResponse
from moto.moto_api._internal import urls as moto_api_urls
from moto.moto_api._internal.models import MotoAPIBackend

from models.errors import AwsError

ROUTE = "/moto-api/loadbearing/ecs-read-errors"
OPERATIONS = {"ListServices": "list_services", "DescribeServices": "describe_services"}
MESSAGES = {
    "ThrottlingException": "Rate exceeded",
    "AccessDeniedException": ("User: arn:aws:iam::{account}:user/operator is not authorized to perform: ecs:{operation} "
                              "on resource: {cluster} because no identity-based policy allows the ecs:{operation} action"),
}

_switches = {}
_trace = []


class ThrottlingException(AwsError):
    pass


class AccessDeniedException(AwsError):
    pass


ERRORS = {"ThrottlingException": ThrottlingException, "AccessDeniedException": AccessDeniedException}


def _refuse_when_switched(operation, method):
    @functools.wraps(method)
    def wrapper(self):
        switch = _switches.get(operation)
        if switch is not None and switch["open"]:
            switch["seen"] += 1
            count = switch.get("count")
            if count is None or switch["refused"] < count:
                switch["refused"] += 1
                cluster = self._get_param("cluster", "default")
                if not cluster.startswith("arn:"):
                    cluster = "arn:aws:ecs:%s:%s:cluster/%s" % (self.region, self.current_account, cluster)
                raise ERRORS[switch["code"]](MESSAGES[switch["code"]].format(
                    account=self.current_account, operation=operation, cluster=cluster))
        return method(self)
    return wrapper


def _switch(request, full_url, headers):
    if request.method == "GET":
        return 200, {"Content-Type": "application/json"}, json.dumps(dict(_switches, trace=_trace))
    size = int(headers.get("Content-Length") or 0)
    body = json.loads(request.environ["wsgi.input"].read(size).decode("utf-8") or "{}")
    operation = body.get("operation")
    if operation not in OPERATIONS:
        return 400, {}, "operation must be one of %s" % ", ".join(sorted(OPERATIONS))
    if not body.get("code"):
        _switches.pop(operation, None)
        return 200, {}, ""
    if body["code"] not in ERRORS:
        return 400, {}, "code must be one of %s" % ", ".join(sorted(ERRORS))
    del _trace[:]
    _switches[operation] = {"code": body["code"], "after": body.get("after"), "open": not body.get("after"),
                            "count": body.get("count"), "seen": 0, "refused": 0}
    return 200, {}, ""


_call_action = EC2ContainerServiceResponse.call_action


@functools.wraps(_call_action)
def _call_action_opening_the_switches(self):
    action = self._get_action()
    if _switches:
        _trace.append(action)
    for switch in _switches.values():
        if switch["after"] == action:
            switch["open"] = True
    return _call_action(self)


_reset = MotoAPIBackend.reset


@functools.wraps(_reset)
def _reset_with_the_switches(self):
    _switches.clear()
    del _trace[:]
    _reset(self)


for _operation, _name in OPERATIONS.items():
    setattr(EC2ContainerServiceResponse, _name, _refuse_when_switched(_operation, getattr(EC2ContainerServiceResponse, _name)))
EC2ContainerServiceResponse.call_action = _call_action_opening_the_switches
moto_api_urls.url_paths["{0}" + ROUTE] = _switch
MotoAPIBackend.reset = _reset_with_the_switches
