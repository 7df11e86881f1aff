# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: retry_policy_environment
short_description: Environment variables that configure the retry policy proxy
version_added: 0.1.0
description:
  - For every service of the list with a C(retry_policy), the C(LOADBEARING_RETRY_*) variables
    that retry_policy.lua reads (docs/service-list.md), with the defaults filled in, plus
    C(LOADBEARING_RETRY_POLICIES) naming those services.
  - The local load balancer writes them as C(setenv) lines of haproxy.cfg; an AWS sidecar gets
    them as its container environment.
positional: urls, socket_dir
options:
  _input:
    description: The service list.
    type: list
    elements: dict
    required: true
  urls:
    description: Base URL each service's attempts are sent to, by service name (a sidecar).
    type: dict
    default: {}
  socket_dir:
    description:
      - Directory of the local load balancer's C(<service>-attempts.sock) sockets, through which
        attempts reach the copies; when set, O(urls) is not needed.
    type: str
"""

EXAMPLES = r"""
sidecar_env: "{{ ecs_services | loadbearing.ecs.retry_policy_environment({'backend': 'http://internal-alb:8081'}) }}"
local_env: "{{ ecs_services | loadbearing.ecs.retry_policy_environment(socket_dir='/var/lib/loadbearing-ecs/demo/haproxy') }}"
"""

RETURN = r"""
_value:
  description: Variable name to value, every value a string.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import policies_environment


def retry_policy_environment(services, urls=None, socket_dir=None):
    try:
        return policies_environment(services, urls, socket_dir)
    except ValueError as exc:
        raise AnsibleFilterError("retry_policy_environment: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"retry_policy_environment": retry_policy_environment}
