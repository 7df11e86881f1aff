"""Which IAM actions the stages call: every request moto's server receives, as the IAM action it
is checked as ("<service>:<Action>", the signing service and the operation, as moto's own
authorization names it), written to $LOADBEARING_ACTION_LOG with the caller's User-Agent.

Used to write docs/aws-operator-policy.json: run the AWS tests with the variable set, keep the
lines whose User-Agent says Ansible (the playbooks, modules, lookups, inventory and connection;
not the tests' own boto3 calls), and sort them. Nothing is recorded when the variable is unset.
"""
import functools
import os
import re
import threading

from moto.core.authorization import ActionAuthenticatorMixin

LOG = os.environ.get("LOADBEARING_ACTION_LOG")
_LOCK = threading.Lock()
_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")


def _service(headers, uri):
    found = _SCOPE.search(headers.get("Authorization", "") or "")
    if found:
        return found.group(1)
    query = re.search(r"X-Amz-Credential=[^%&]+(?:%2F|/)[^%&]+(?:%2F|/)[^%&]+(?:%2F|/)([^%&]+)", uri or "")
    return query.group(1) if query else "unsigned"


_authorize = ActionAuthenticatorMixin._authenticate_and_authorize_action


@functools.wraps(_authorize)
def _recorded(self, iam_request_cls, resource="*"):
    try:
        action = self._get_action()
        line = "%s:%s\t%s\n" % (_service(self.headers, getattr(self, "uri", "")),
                                action[0] if isinstance(action, list) else action,
                                self.headers.get("User-Agent", ""))
        with _LOCK, open(LOG, "a") as log:
            log.write(line)
    except Exception:  # recording must never change what the emulator answers
        pass
    return _authorize(self, iam_request_cls, resource)


if LOG:
    ActionAuthenticatorMixin._authenticate_and_authorize_action = _recorded
