# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS partition of a region, and its DNS suffix, from botocore's partition data.

URLs of AWS services in a region end with the partition's suffix: amazonaws.com, but
amazonaws.com.cn in China, and others in the isolated partitions; ARNs carry the partition's
name (aws, aws-cn, aws-us-gov...). https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Used when botocore (which amazon.aws needs anyway) cannot be imported: botocore's
# partitions.json as of botocore 1.44.
_KNOWN = (
    ("aws", r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$", "amazonaws.com"),
    ("aws-cn", r"^cn\-\w+\-\d+$", "amazonaws.com.cn"),
    ("aws-eusc", r"^eusc\-(de)\-\w+\-\d+$", "amazonaws.eu"),
    ("aws-iso", r"^us\-iso\-\w+\-\d+$", "c2s.ic.gov"),
    ("aws-iso-b", r"^us\-isob\-\w+\-\d+$", "sc2s.sgov.gov"),
    ("aws-iso-e", r"^eu\-isoe\-\w+\-\d+$", "cloud.adc-e.uk"),
    ("aws-iso-f", r"^us\-isof\-\w+\-\d+$", "csp.hci.ic.gov"),
    ("aws-us-gov", r"^us\-gov\-\w+\-\d+$", "amazonaws.com"),
)


def _partitions():
    try:
        from botocore.loaders import Loader
        data = Loader().load_data("partitions")["partitions"]
        return [(p["id"], p["regionRegex"], p["outputs"]["dnsSuffix"], p.get("regions", {})) for p in data]
    except Exception:  # pylint: disable=broad-except
        return [known + ({},) for known in _KNOWN]


def _partition_of(region):
    if not region:
        raise ValueError("no region given")
    partitions = _partitions()
    # A region named in a partition's list first (some do not follow the pattern), then the patterns.
    for found in partitions:
        if region in found[3]:
            return found
    for found in partitions:
        if re.match(found[1], region):
            return found
    raise ValueError("%s is not a region of any AWS partition botocore knows" % region)


def partition(region):
    """aws, aws-cn, aws-us-gov... for a region."""
    return _partition_of(region)[0]


def dns_suffix(region):
    """amazonaws.com, amazonaws.com.cn... for a region."""
    return _partition_of(region)[2]
