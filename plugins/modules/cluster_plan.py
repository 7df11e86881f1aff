#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cluster_plan
short_description: Check the service list for a platform and plan the cluster from it
version_added: 0.2.0
description:
  - Checks the service list (C(ecs_services)) and the cluster name against the one schema of the
    collection, with the rules of the chosen platform. Fails with one message per problem, each
    naming its field, before anything is created.
  - On C(aws) it also checks the names AWS derives from the cluster and service names (load
    balancers and target groups of at most 32 characters, capacity provider prefixes) and the
    ALB health check limits (interval 5-300 s, timeout 2-120 s, thresholds 2-10).
  - Publishes the plan as the fact C(ecs_plan), which every role reads instead of the raw list.
    Each service with every field (the defaults of C(plugins/module_utils/service_defaults.py)),
    its count bounds, balancing algorithm per platform and resource names; the cluster's names,
    labels and tags; the local port slots; and the images with their content tags, planned from
    O(packer_dir).
  - Without O(services), only what does not depend on the list (C(names), C(labels), C(tags)), which
    is what terminate finds the cluster's resources by, whatever the list says now.
  - Runs on the control node, where the Packer directory is. Nothing is changed.
options:
  services:
    description:
      - The service list, as described in docs/service-list.md.
      - Left out, the plan holds the cluster's names, labels and tags only.
    type: list
    elements: raw
  cluster:
    description: The cluster name, which prefixes every name the platform makes.
    type: str
    required: true
  platform:
    description: The platform whose rules apply.
    type: str
    choices: [local, aws]
    default: local
  packer_dir:
    description:
      - The directory of the Packer template (C(service.pkr.hcl)), the base image's recipe
        (C(base/)) and the services' sources (C(services/<source>/)), from which the images are
        built and their content tags derived.
      - Required with O(services).
    type: path
  port_base:
    description:
      - The local platform's first host port of the copies' slots (C(ecs_local_port_base)); 20000
        when left out. Service N of the list (from 0) has the ports from O(port_base) + 100 * N.
    type: int
  region:
    description: The AWS region, part of the IAM names and ARNs.
    type: str
  account:
    description: The AWS account, part of the transfer bucket's name and of ARNs.
    type: str
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Check the service list and plan the cluster
  loadbearing.ecs.cluster_plan:
    services: "{{ ecs_services }}"
    cluster: "{{ ecs_cluster_name }}"
    platform: local
    packer_dir: "{{ playbook_dir }}/packer"
    port_base: 20000

- name: Plan what terminate finds the cluster by
  loadbearing.ecs.cluster_plan:
    cluster: "{{ ecs_cluster_name }}"
    platform: aws
    region: eu-west-1

- name: Read the plan
  ansible.builtin.debug:
    msg: "{{ ecs_plan.services | map(attribute='names.target_group') }}"
"""

RETURN = r"""
ansible_facts:
  description: The plan, as the fact C(ecs_plan).
  returned: success
  type: dict
  contains:
    ecs_plan:
      description:
        - C(cluster), C(platform), C(region), C(packer_dir); C(services), the complete list; C(names),
          C(labels) and C(tags) of the cluster; C(sidecar), whether AWS tasks carry the retry proxy;
          C(images), the bases and one image per service (C(repository), C(tag), Packer C(variables));
          locally C(slots) and C(reachable_ports).
      type: dict
      sample:
        cluster: demo
        platform: local
        services:
          - name: frontend
            desired_count: 10
            count: {min: 10, max: 20}
            scaled: true
            balance: {local: leastconn, aws: least_outstanding_requests}
            deployment: {minimum_healthy_percent: 100, maximum_percent: 200}
            names: {target_group: demo-frontend, task_family: demo-frontend}
        images:
          services:
            - {name: frontend, repository: demo/frontend, tag: 3f1c0a9e2b7d}
errors:
  description: One message per problem, each naming the field.
  returned: failure
  type: list
  elements: str
  sample: ["ecs_services[1] (frontend).health_check.timeout_s: 5 must be less than interval_s (5)"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.plan import PlanError, cluster_names_plan, cluster_plan


def main():
    argument_spec = dict(
        services=dict(type="list", elements="raw"),
        cluster=dict(type="str", required=True),
        platform=dict(type="str", choices=["local", "aws"], default="local"),
        packer_dir=dict(type="path"),
        port_base=dict(type="int"),
        region=dict(type="str"),
        account=dict(type="str"),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_by={"services": "packer_dir"})
    params = module.params
    try:
        if params["services"] is None:
            plan = cluster_names_plan(params["cluster"], params["platform"], params["region"], params["account"])
        else:
            plan = cluster_plan(params["services"], params["cluster"], params["platform"], params["packer_dir"],
                                params["port_base"], params["region"], params["account"])
    except PlanError as exc:
        module.fail_json(
            msg="The service list does not fit the %s platform: %s. Fix these fields (docs/service-list.md)."
            % (params["platform"], exc), errors=exc.errors)
    except (OSError, KeyError, ValueError) as exc:
        module.fail_json(msg="Cannot plan the cluster's images from %s: %s" % (params["packer_dir"], exc))
    module.exit_json(changed=False, ansible_facts={"ecs_plan": plan})


if __name__ == "__main__":
    main()
