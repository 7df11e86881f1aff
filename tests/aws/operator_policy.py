"""docs/aws-operator-policy.json, the IAM policy the person running the stages needs, as the
emulator can enforce it.

moto's server authorizes a request against the caller's policies once authorization is switched
on (/moto-api/reset-auth), but only by its action: it hands most services' checks the resource
"*", and evaluates no condition keys (aws:ResourceTag, ec2:CreateAction...). So what the tests
prove with it is that the policy names every action the stages call; its resource scoping and
conditions are checked by nothing here. `for_emulator` keeps each statement's actions and Effect
and widens its Resource to "*" and drops its Condition, which is exactly what moto would
otherwise reject for the wrong reason; where moto names an action differently from IAM, it adds
moto's name beside IAM's (MOTO_NAMES).
"""
import copy
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATH = os.path.join(ROOT, "docs", "aws-operator-policy.json")


def shipped():
    with open(PATH) as handle:
        return json.load(handle)


def actions(policy):
    found = []
    for statement in policy["Statement"]:
        listed = statement["Action"]
        found.extend([listed] if isinstance(listed, str) else listed)
    return found


# Where moto checks a request as an action of its own name instead of the one IAM uses: HeadBucket
# is authorized by s3:ListBucket on AWS, by "s3:HeadBucket" in moto.
MOTO_NAMES = {"s3:ListBucket": ["s3:HeadBucket"]}


def for_emulator(policy):
    widened = copy.deepcopy(policy)
    for statement in widened["Statement"]:
        statement["Resource"] = "*"
        statement.pop("Condition", None)
        statement["Action"] = statement["Action"] + [alias for action in statement["Action"]
                                                     for alias in MOTO_NAMES.get(action, [])]
    return widened


def without(policy, action):
    """The policy with one action taken out of every statement that names it."""
    smaller = copy.deepcopy(policy)
    for statement in smaller["Statement"]:
        listed = statement["Action"]
        listed = [listed] if isinstance(listed, str) else listed
        statement["Action"] = [name for name in listed if name != action]
    smaller["Statement"] = [s for s in smaller["Statement"] if s["Action"]]
    return smaller
