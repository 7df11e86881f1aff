# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: haproxy_quote
short_description: A value as one literal word of haproxy.cfg
version_added: 0.1.0
description:
  - Single-quotes the value so HAProxy takes it as it is (no environment variable expansion, no
    escapes, spaces kept), for C(setenv) lines.
options:
  _input:
    description: The value.
    type: raw
    required: true
"""

EXAMPLES = r"""
line: "setenv NAME {{ value | loadbearing.ecs.haproxy_quote }}"
"""

RETURN = r"""
_value:
  description: The quoted word.
  type: str
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import haproxy_quote


class FilterModule(object):
    def filters(self):
        return {"haproxy_quote": haproxy_quote}
