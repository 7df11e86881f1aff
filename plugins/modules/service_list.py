#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: service_list
short_description: Validate a service list for a platform
version_added: 0.2.0
description:
  - Checks the service list (C(ecs_services)) against the one schema of the collection, with the
    rules of the chosen platform, and returns it with its defaults filled in.
  - Fails with one message per problem, each naming the field, before anything is created.
  - On C(aws) it also checks the names AWS derives from the cluster and service names (load
    balancers and target groups of at most 32 characters, capacity provider prefixes) and the
    ALB health check limits (interval 5-300 s, timeout 2-120 s, thresholds 2-10).
  - Nothing is changed; the module only reads its arguments.
options:
  services:
    description: The service list, as described in docs/service-list.md.
    type: list
    elements: raw
    required: true
  cluster:
    description: The cluster name, which prefixes every name the platform makes.
    type: str
    required: true
  platform:
    description: The platform whose rules apply.
    type: str
    choices: [local, aws]
    default: local
  sources_dir:
    description:
      - Directory that must hold C(<source>/) of every service (the Packer directory's C(services/)).
      - Not checked when left out.
    type: path
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Check the service list before anything is created
  loadbearing.ecs.service_list:
    services: "{{ ecs_services }}"
    cluster: "{{ ecs_cluster_name }}"
    platform: aws
    sources_dir: "{{ playbook_dir }}/../packer/services"
"""

RETURN = r"""
services:
  description: The service list with the defaults of optional fields filled in.
  returned: success
  type: list
  elements: dict
  sample:
    - name: backend
      source: backend
      command: python3 /app/backend.py --port $PORT
      port: 8000
      listener_port: 8081
      public: false
      desired_count: 2
      environment: {}
      endpoints: {}
      health_check: {path: /, interval_s: 5, timeout_s: 2, healthy_threshold: 2, unhealthy_threshold: 2}
errors:
  description: One message per problem, each naming the field.
  returned: failure
  type: list
  elements: str
  sample: ["ecs_services[1] (frontend).health_check.timeout_s: 5 must be less than interval_s (5)"]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.service_list import validate


def main():
    argument_spec = dict(
        services=dict(type="list", elements="raw", required=True),
        cluster=dict(type="str", required=True),
        platform=dict(type="str", choices=["local", "aws"], default="local"),
        sources_dir=dict(type="path"),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    services, errors = validate(module.params["services"], module.params["cluster"], module.params["platform"])
    if module.params["sources_dir"]:
        for position, service in enumerate(services):
            if "source" in service and not os.path.isdir(os.path.join(module.params["sources_dir"], service["source"])):
                errors.append("ecs_services[%d] (%s).source: no directory %s in %s"
                              % (position, service.get("name"), service["source"], module.params["sources_dir"]))
    if errors:
        module.fail_json(
            msg="The service list does not fit the %s platform: %s. Fix these fields (docs/service-list.md)."
            % (module.params["platform"], "; ".join(errors)),
            errors=errors,
        )
    module.exit_json(changed=False, services=services)


if __name__ == "__main__":
    main()
