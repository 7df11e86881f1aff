# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: retry_proxy_log_prefixes
short_description: Where the retry-proxy sidecars of a service list log on AWS
version_added: 0.1.0
description:
  - On AWS a service that calls one with a retry policy runs the retry proxy beside its copies
    (M(loadbearing.ecs.task_containers) lays out that task). Each sidecar logs to the cluster's
    log group under the stream prefix C(<service>-retry-proxy/). This returns those prefixes, for
    M(loadbearing.ecs.retry_proxy_counters_info).
options:
  _input:
    description: The service list.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
stream_prefixes: "{{ ecs_services | loadbearing.ecs.retry_proxy_log_prefixes }}"
"""

RETURN = r"""
_value:
  description: A prefix per service with a sidecar, for example C(frontend-retry-proxy/).
  type: list
  elements: str
"""

from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import sidecar_stream_prefixes


class FilterModule(object):
    def filters(self):
        return {"retry_proxy_log_prefixes": sidecar_stream_prefixes}
