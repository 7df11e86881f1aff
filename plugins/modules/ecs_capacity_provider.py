#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_capacity_provider
short_description: Create, update or delete an ECS capacity provider backed by an Auto Scaling group
version_added: 0.1.0
description:
  - Manages an Amazon ECS capacity provider that scales an Auto Scaling group with the tasks
    placed on it (managed scaling).
  - Attaching the provider to a cluster is done with M(community.aws.ecs_cluster)'s
    C(capacity_providers) option; a provider a cluster lists cannot be deleted.
  - A provider being deleted (C(updateStatus) DELETE_IN_PROGRESS) or deleted (INACTIVE) counts as
    absent. Deleting waits until the deletion is done, and creating a name whose deletion is in
    progress waits for it first, so the same name can be made again right after.
options:
  name:
    description: Name of the capacity provider.
    type: str
    required: true
  state:
    description: Whether the capacity provider exists.
    type: str
    choices: [present, absent]
    default: present
  auto_scaling_group_arn:
    description:
      - ARN of the Auto Scaling group. Required with O(state=present). It cannot change later.
    type: str
  managed_scaling:
    description: Managed scaling of the group.
    type: dict
    suboptions:
      status:
        description: Whether ECS scales the group.
        type: str
        choices: [enabled, disabled]
      target_capacity:
        description: Target utilization of the group's capacity, in percent.
        type: int
      minimum_scaling_step_size:
        description: Fewest instances added or removed at once.
        type: int
      maximum_scaling_step_size:
        description: Most instances added or removed at once.
        type: int
      instance_warmup_period:
        description: Seconds a new instance takes to contribute.
        type: int
  managed_termination_protection:
    description: Whether ECS protects instances running tasks from scale-in.
    type: str
    choices: [enabled, disabled]
  managed_draining:
    description: Whether ECS drains instances before the group terminates them.
    type: str
    choices: [enabled, disabled]
  tags:
    description: Tags of the capacity provider, set at creation.
    type: dict
    aliases: [resource_tags]
  cluster:
    description:
      - With O(state=absent), a cluster to remove the provider from first (from its capacity
        providers and its default strategy), since ECS refuses to delete a provider a cluster lists.
    type: str
  wait_timeout:
    description:
      - Seconds to wait for a deletion to finish, after deleting and before re-creating a name
        whose deletion is in progress.
    type: int
    default: 300
  role_propagation_timeout:
    description:
      - Seconds to keep trying the creation again while ECS answers that it is "Unable to assume
        the service linked role". On an account that has just made AWSServiceRoleForECS (its first
        cluster, or iam:CreateServiceLinkedRole), IAM takes a few seconds to propagate the role;
        any other error fails at once, and this one too once the time is up.
    type: int
    default: 60
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Let ECS scale the hosts with the tasks
  loadbearing.ecs.ecs_capacity_provider:
    name: demo-hosts
    auto_scaling_group_arn: "{{ asg.auto_scaling_group_arn }}"
    managed_scaling:
      status: enabled
      target_capacity: 100
    tags:
      loadbearing:cluster: demo

- name: Detach it from its cluster and delete it
  loadbearing.ecs.ecs_capacity_provider:
    name: demo-hosts
    cluster: demo
    state: absent
"""

RETURN = r"""
capacity_provider:
  description: The capacity provider as ECS describes it (snake_case keys), empty when absent.
  returned: always
  type: dict
  contains:
    capacity_provider_arn:
      description: ARN of the capacity provider.
      type: str
    name:
      description: Name of the capacity provider.
      type: str
    status:
      description: ACTIVE (INACTIVE ones are reported as absent).
      type: str
    auto_scaling_group_provider:
      description: The Auto Scaling group and its managed scaling settings.
      type: dict
"""

import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.loadbearing.ecs.plugins.module_utils.capacity_provider import create_while_the_role_propagates
from ansible_collections.loadbearing.ecs.plugins.module_utils.capacity_provider import desired_provider
from ansible_collections.loadbearing.ecs.plugins.module_utils.capacity_provider import lifecycle
from ansible_collections.loadbearing.ecs.plugins.module_utils.capacity_provider import provider_update


POLL_SECONDS = 2
# Between two creations while the service-linked role propagates.
ROLE_RETRY_SECONDS = 3


def describe(client, name):
    """The provider and where it is in its life: absent, deleting or active."""
    # Naming the provider matters: describing all of them at once is not supported everywhere.
    found = client.describe_capacity_providers(capacityProviders=[name], include=["TAGS"])
    providers = found.get("capacityProviders", [])
    states = [(p, lifecycle(p)) for p in providers]
    for provider, state in states:
        if state == "active":
            return provider, state
    for provider, state in states:
        if state == "deleting":
            return provider, state
    return None, "absent"


def wait_until_deleted(module, client):
    name = module.params["name"]
    deadline = time.time() + module.params["wait_timeout"]
    while True:
        try:
            state = describe(client, name)[1]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Could not describe capacity provider %s" % name)
        if state == "absent":
            return
        if time.time() > deadline:
            module.fail_json(msg="Capacity provider %s was still being deleted after %d s"
                             % (name, module.params["wait_timeout"]))
        time.sleep(POLL_SECONDS)


def result(module, changed, provider):
    module.exit_json(changed=changed, capacity_provider=camel_dict_to_snake_dict(provider or {}, ignore_list=["tags"]))


def ensure_present(module, client, current, state):
    params = module.params
    if not params["auto_scaling_group_arn"]:
        module.fail_json(msg="auto_scaling_group_arn is required to create or update a capacity provider")
    desired = desired_provider(params)
    if state != "active":
        if module.check_mode:
            result(module, True, {"name": params["name"], "autoScalingGroupProvider": desired})
        if state == "deleting":
            wait_until_deleted(module, client)
        arguments = {"name": params["name"], "autoScalingGroupProvider": desired}
        if params["tags"]:
            arguments["tags"] = ansible_dict_to_boto3_tag_list(params["tags"], "key", "value")
        try:
            created = create_while_the_role_propagates(
                lambda: client.create_capacity_provider(**arguments)["capacityProvider"],
                params["role_propagation_timeout"], ROLE_RETRY_SECONDS, time.sleep, time.time)[0]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Could not create capacity provider %s" % params["name"])
        result(module, True, created)
    try:
        update = provider_update(current, desired)
    except ValueError as e:
        module.fail_json(msg=str(e))
    if update is None:
        result(module, False, current)
    if module.check_mode:
        result(module, True, current)
    try:
        updated = client.update_capacity_provider(name=params["name"], autoScalingGroupProvider=update)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not update capacity provider %s" % params["name"])
    result(module, True, updated["capacityProvider"])


def detach(module, client):
    """Take the provider out of the cluster's providers and default strategy."""
    name, cluster_name = module.params["name"], module.params["cluster"]
    clusters = client.describe_clusters(clusters=[cluster_name])["clusters"]
    cluster = clusters[0] if clusters and clusters[0].get("status") == "ACTIVE" else {}
    if name not in cluster.get("capacityProviders", []):
        return
    client.put_cluster_capacity_providers(
        cluster=cluster_name,
        capacityProviders=[p for p in cluster["capacityProviders"] if p != name],
        defaultCapacityProviderStrategy=[s for s in cluster.get("defaultCapacityProviderStrategy", [])
                                         if s.get("capacityProvider") != name])


def ensure_absent(module, client, current, state):
    if state == "deleting" and not module.check_mode:
        wait_until_deleted(module, client)
    if state != "active":
        result(module, False, None)
    if not module.check_mode:
        if module.params["cluster"]:
            try:
                detach(module, client)
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg="Could not remove capacity provider %s from cluster %s"
                                     % (module.params["name"], module.params["cluster"]))
        try:
            client.delete_capacity_provider(capacityProvider=module.params["name"])
        except is_boto3_error_code("ResourceInUseException") as e:
            module.fail_json_aws(e, msg="Capacity provider %s is still listed by a cluster: remove it from the "
                                 "cluster's capacity providers first" % module.params["name"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Could not delete capacity provider %s" % module.params["name"])
        wait_until_deleted(module, client)
    result(module, True, None)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        auto_scaling_group_arn=dict(type="str"),
        managed_scaling=dict(type="dict", options=dict(
            status=dict(type="str", choices=["enabled", "disabled"]),
            target_capacity=dict(type="int"),
            minimum_scaling_step_size=dict(type="int"),
            maximum_scaling_step_size=dict(type="int"),
            instance_warmup_period=dict(type="int"),
        )),
        managed_termination_protection=dict(type="str", choices=["enabled", "disabled"]),
        managed_draining=dict(type="str", choices=["enabled", "disabled"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        cluster=dict(type="str"),
        wait_timeout=dict(type="int", default=300),
        role_propagation_timeout=dict(type="int", default=60),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["auto_scaling_group_arn"])],
        supports_check_mode=True,
    )
    client = module.client("ecs")
    try:
        current, state = describe(client, module.params["name"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not describe capacity provider %s" % module.params["name"])
    if module.params["state"] == "present":
        ensure_present(module, client, current, state)
    ensure_absent(module, client, current, state)


if __name__ == "__main__":
    main()
