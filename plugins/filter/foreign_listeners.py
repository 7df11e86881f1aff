# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: foreign_listeners
short_description: TCP ports among a list that another program already listens on
version_added: 0.1.0
description:
  - Reads the output of C(ss -Htlnp) and returns, for each of O(ports) that a process outside
    O(own_pids) listens on, a string C(PORT (PROCESS pid N)).
positional: ports, own_pids
options:
  _input:
    description: Output of C(ss -Htlnp).
    type: str
    required: true
  ports:
    description: The ports the cluster needs.
    type: list
    elements: int
    required: true
  own_pids:
    description: Process ids of the cluster's own processes, whose listeners are not in the way.
    type: list
    elements: int
    required: true
"""

EXAMPLES = r"""
taken: "{{ ss_output.stdout | loadbearing.ecs.foreign_listeners([8080, 8081], [1234]) }}"
"""

RETURN = r"""
_value:
  description: One C(PORT (PROCESS pid N)) string per port taken by someone else.
  type: list
  elements: str
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.listeners import foreign_listeners


class FilterModule(object):
    def filters(self):
        return {"foreign_listeners": foreign_listeners}
