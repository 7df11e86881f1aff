# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: aws_dns_suffix
short_description: The DNS suffix of a region's AWS partition, for service URLs
version_added: 0.1.0
description:
  - C(amazonaws.com) for the commercial regions and AWS GovCloud, C(amazonaws.com.cn) for the
    China regions, and the isolated partitions' own, from botocore's partition data.
options:
  _input:
    description: A region, such as C(eu-west-1).
    type: str
    required: true
"""

EXAMPLES = r"""
url: "https://s3.{{ ecs_aws_region }}.{{ ecs_aws_region | loadbearing.ecs.aws_dns_suffix }}/"
"""

RETURN = r"""
_value:
  description: The DNS suffix.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.partitions import dns_suffix


def aws_dns_suffix(region):
    try:
        return dns_suffix(region)
    except ValueError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {"aws_dns_suffix": aws_dns_suffix}
