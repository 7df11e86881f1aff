#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: retry_proxy_counters_info
short_description: What the retry-proxy sidecars of ECS tasks did during a run, from their logs
version_added: 0.1.0
description:
  - Each task of a service that calls one with a retry policy runs the retry proxy as a sidecar,
    which writes its counters to its log every few seconds (a line C(retry-policy counters) and
    JSON). This reads those lines from CloudWatch Logs and sums, over the tasks, what each proxy did
    from its last reading at or before O(start) to its first at or after O(end).
  - A task started during the run counts from zero; a task stopped during the run counts up to its
    last reading, and RV(complete) is then false. It waits up to O(wait_s) for every task's reading
    after O(end), or for a reading a whole period after it, since CloudWatch Logs takes a few
    seconds to show a line.
options:
  log_group:
    description: The log group the tasks log to (awslogs).
    type: str
    required: true
  stream_prefixes:
    description: Prefixes of the sidecars' log streams (their C(awslogs-stream-prefix)).
    type: list
    elements: str
    required: true
  start:
    description: When the run started, in seconds since the epoch.
    type: float
    required: true
  end:
    description: When the run ended, in seconds since the epoch.
    type: float
    required: true
  log_every_s:
    description: How often the sidecars write their counters.
    type: int
    default: 5
  wait_s:
    description: How long to wait for every task's reading after O(end).
    type: int
    default: 30
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Reads only.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: What the frontends' retry proxies did during the run
  loadbearing.ecs.retry_proxy_counters_info:
    log_group: /loadbearing/demo
    stream_prefixes: [frontend-retry-proxy/]
    start: 1795949259.8
    end: 1795949277.1
"""

RETURN = r"""
retry_policies:
  description:
    - By service called, C(calls), C(attempts), C(retries), C(budget_exhausted), C(gave_up),
      C(failures) by class and C(retry_share), summed over the tasks.
    - None when no sidecar wrote its counters during the run (or the log group does not exist).
  returned: always
  type: dict
  sample: {"backend": {"calls": 1512, "attempts": 1543, "retries": 31, "budget_exhausted": 0, "gave_up": 0,
           "failures": {"connect_failure": 0, "timeout": 0, "status": 0, "body": 31}, "retry_share": 0.0205}}
tasks:
  description: How many tasks' sidecars were counted.
  returned: always
  type: int
  sample: 10
complete:
  description: Whether every counted task had a reading after the run (false makes the figures lower bounds).
  returned: always
  type: bool
  sample: true
"""

import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import LOG_MARK, sidecar_counters_delta


def counter_lines(client, group, prefixes, since_ms):
    """The sidecars' counter lines since since_ms, from every stream under the prefixes."""
    events = []
    for prefix in prefixes:
        pages = client.get_paginator("filter_log_events").paginate(
            logGroupName=group, logStreamNamePrefix=prefix, startTime=since_ms,
            filterPattern='"%s"' % LOG_MARK.strip())
        for page in pages:
            events.extend(page.get("events", []))
    return events


def main():
    argument_spec = dict(
        log_group=dict(type="str", required=True),
        stream_prefixes=dict(type="list", elements="str", required=True),
        start=dict(type="float", required=True),
        end=dict(type="float", required=True),
        log_every_s=dict(type="int", default=5),
        wait_s=dict(type="int", default=30),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if params["end"] < params["start"]:
        module.fail_json(msg="end (%s) is before start (%s)" % (params["end"], params["start"]))
    client = module.client("logs")
    start_ms, end_ms = int(params["start"] * 1000), int(params["end"] * 1000)
    # Far enough back for each task's last reading before the run.
    since_ms = start_ms - 2 * params["log_every_s"] * 1000
    deadline = time.time() + params["wait_s"]
    while True:
        try:
            events = counter_lines(client, params["log_group"], params["stream_prefixes"], since_ms)
        except is_boto3_error_code("ResourceNotFoundException"):
            module.exit_json(changed=False, retry_policies=None, tasks=0, complete=False)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Could not read the retry proxies' counters from log group %s" % params["log_group"])
        counted = sidecar_counters_delta(events, start_ms, end_ms)
        # A line a whole period after the end: the logs have caught up, and a task without a
        # reading after the end stopped during the run.
        caught_up = any(event["timestamp"] >= end_ms + params["log_every_s"] * 1000 for event in events)
        if (counted is not None and counted["complete"]) or caught_up or time.time() >= deadline:
            break
        time.sleep(min(params["log_every_s"], max(deadline - time.time(), 0)))
    if counted is None:
        module.exit_json(changed=False, retry_policies=None, tasks=0, complete=False)
    module.exit_json(changed=False, retry_policies=counted["services"], tasks=counted["tasks"],
                     complete=counted["complete"])


if __name__ == "__main__":
    main()
