# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: aws_partition
short_description: The AWS partition of a region, for ARNs
version_added: 0.1.0
description:
  - C(aws), C(aws-cn), C(aws-us-gov) or an isolated partition's name, from botocore's partition data.
options:
  _input:
    description: A region, such as C(cn-north-1).
    type: str
    required: true
"""

EXAMPLES = r"""
arn: "arn:{{ ecs_aws_region | loadbearing.ecs.aws_partition }}:iam::aws:policy/AmazonSSMManagedInstanceCore"
"""

RETURN = r"""
_value:
  description: The partition's name.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.partitions import partition


def aws_partition(region):
    try:
        return partition(region)
    except ValueError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {"aws_partition": aws_partition}
