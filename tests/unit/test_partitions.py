"""The partition of a region and its DNS suffix (module_utils/partitions.py)."""
import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils import partitions


@pytest.mark.parametrize("region,name,suffix", [
    ("us-east-1", "aws", "amazonaws.com"), ("eu-west-1", "aws", "amazonaws.com"),
    ("cn-north-1", "aws-cn", "amazonaws.com.cn"), ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
    ("us-iso-east-1", "aws-iso", "c2s.ic.gov"), ("us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"),
])
def test_partition_and_suffix(region, name, suffix):
    assert (partitions.partition(region), partitions.dns_suffix(region)) == (name, suffix)


def test_without_botocore_the_known_table_answers_the_same(monkeypatch):
    monkeypatch.setattr(partitions, "_partitions", lambda: [known + ({},) for known in partitions._KNOWN])
    assert partitions.dns_suffix("cn-northwest-1") == "amazonaws.com.cn"
    assert partitions.partition("us-gov-east-1") == "aws-us-gov"


@pytest.mark.parametrize("region", ["", "moon-base-1"])
def test_no_region_or_an_unknown_one_is_an_error(region):
    with pytest.raises(ValueError):
        partitions.dns_suffix(region)
