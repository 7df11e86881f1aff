"""docs/aws-operator-policy.json, the operator's IAM policy.

Every playbook in tests/aws runs as a user with only this policy while moto's server authorizes
each request (conftest.Emulator.reset): a stage that calls an action the policy lacks fails there.
This module shows that such a failure would be seen: the same policy without one action stops
init, naming it. What moto checks of a policy is in tests/aws/operator_policy.py (actions only).
"""
import json

import pytest

import operator_policy
from leftovers import leftovers

CLUSTER = "policy"
REMOVED = "ec2:CreateNatGateway"


@pytest.fixture(scope="module")
def aws(emulator):
    emulator.reset()
    return emulator


def test_the_policy_is_one_managed_policy_of_allow_statements():
    policy = operator_policy.shipped()
    # IAM's limit for a managed policy: 6144 characters, white space not counted.
    assert len("".join(json.dumps(policy).split())) <= 6144
    assert all(statement["Effect"] == "Allow" for statement in policy["Statement"])
    sids = [statement["Sid"] for statement in policy["Statement"]]
    assert len(sids) == len(set(sids))
    for statement in policy["Statement"]:
        assert len(statement["Action"]) == len(set(statement["Action"])), statement["Sid"]
        assert all(":" in action for action in statement["Action"]), statement["Sid"]


def test_init_stops_at_the_action_the_policy_lacks(aws):
    assert REMOVED in operator_policy.actions(operator_policy.shipped())
    key, secret = aws.user("short", operator_policy.for_emulator(
        operator_policy.without(operator_policy.shipped(), REMOVED)))
    run = aws.playbook("init.yml", "-e", "ecs_cluster_name=%s" % CLUSTER,
                       env={"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret})
    assert run.rc != 0
    assert "is not authorized to perform: %s" % REMOVED in " ".join(run.output.split())
    assert "nat_gateways" not in leftovers(aws, CLUSTER)
    # terminate, as the operator with the whole policy, removes what init made.
    run = aws.playbook("terminate.yml", "-e", "ecs_cluster_name=%s" % CLUSTER)
    assert run.rc == 0, run.failure()
    assert leftovers(aws, CLUSTER) == {}
