# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tags of ECS and ECR resources, which the two services spell differently. Standard library only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# ECS says key/value, ECR says Key/Value.
TAG_KEYS = {"ecs": ("key", "value"), "ecr": ("Key", "Value")}


def service_of(arn):
    """ecs or ecr, from an ARN (arn:PARTITION:SERVICE:...); ValueError for anything else."""
    parts = (arn or "").split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] not in TAG_KEYS:
        raise ValueError("%s is not the ARN of an ECS or ECR resource" % arn)
    return parts[2]


def tags_to_dict(service, tags):
    key, value = TAG_KEYS[service]
    return dict((tag[key], tag.get(value, "")) for tag in tags or [])


def tags_to_list(service, tags):
    key, value = TAG_KEYS[service]
    return [{key: k, value: v} for k, v in sorted(tags.items())]


def missing_tags(current, wanted):
    """The tags of wanted that current lacks or holds with another value."""
    return dict((k, v) for k, v in wanted.items() if current.get(k) != v)


def carries(tags, wanted):
    """Whether a resource with these tags carries every wanted tag."""
    return not missing_tags(tags, wanted)
