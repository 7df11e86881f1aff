"""Tags of ECS and ECR resources: which service an ARN belongs to, and what is missing."""
import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.tags import (
    carries, missing_tags, service_of, tags_to_dict, tags_to_list)


def test_service_follows_the_arn_in_any_partition():
    assert service_of("arn:aws-cn:ecr:cn-north-1:123456789012:repository/demo/web") == "ecr"
    assert service_of("arn:aws:ecs:us-east-1:123456789012:task-definition/demo-web:3") == "ecs"


@pytest.mark.parametrize("arn", ["", "demo/web", "arn:aws:s3:::bucket/key"])
def test_other_arns_are_refused(arn):
    with pytest.raises(ValueError):
        service_of(arn)


def test_each_service_spells_its_tags_its_way():
    assert tags_to_list("ecs", {"b": "2", "a": "1"}) == [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    assert tags_to_dict("ecr", [{"Key": "a", "Value": "1"}]) == {"a": "1"}


def test_missing_tags_are_the_absent_and_the_different_ones():
    current = {"loadbearing:cluster": "other", "keep": "x"}
    assert missing_tags(current, {"loadbearing:cluster": "demo", "keep": "x"}) == {"loadbearing:cluster": "demo"}
    assert carries({"loadbearing:cluster": "demo", "more": "y"}, {"loadbearing:cluster": "demo"})
    assert not carries({}, {"loadbearing:cluster": "demo"})
