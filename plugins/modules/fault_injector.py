#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: fault_injector
short_description: Kill and restart copies of a local cluster's services while a benchmark runs
version_added: 0.1.0
description:
  - Kills a random running copy of a service every C(kill_every_s) (in O(plan)) seconds, and restarts
    every copy of a service once, one after the other, at C(restart_once_at_s) (in O(plan)), until
    O(stop_file) exists or O(max_duration_s) have passed.
  - A kill is C(kill -9) of the copy's main process from the host, so podman's restart policy
    restarts it, as it would a crash (C(podman kill) counts as a user stop and is not restarted).
  - Copies are found by the labels C(loadbearing.ecs.cluster) and C(loadbearing.ecs.service).
  - Samples the running copies of every service in O(services) each O(sample_every_s).
  - Run it with C(async) and C(poll=0) beside the benchmark, then create O(stop_file) and wait
    for its result with M(ansible.builtin.async_status).
options:
  cluster:
    description: Name of the cluster, the value of the label C(loadbearing.ecs.cluster).
    type: str
    required: true
extends_documentation_fragment:
  - loadbearing.ecs.fault_runner
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: In check mode the plan is checked and nothing is injected.
notes:
  - Returns C(changed=false), since podman restores every copy it kills.
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Kill a frontend copy every second and restart the backend at 5 s, in the background
  loadbearing.ecs.fault_injector:
    cluster: demo
    services: [backend, frontend]
    plan:
      - service: frontend
        kill_every_s: 1
      - service: backend
        restart_once_at_s: 5
    stop_file: /tmp/demo-faults.stop
  async: 600
  poll: 0
  register: faults_job
"""

RETURN = r"""
started_at:
  description: Epoch seconds at which the module started.
  returned: success
  type: float
stopped_at:
  description: Epoch seconds at which it stopped.
  returned: success
  type: float
events:
  description: The faults injected, in order.
  returned: success
  type: list
  elements: dict
  contains:
    time:
      description: Epoch seconds of the fault.
      type: float
    service:
      description: The service.
      type: str
    kind:
      description: C(kill) or C(restart).
      type: str
    target:
      description: The killed copy (container name), the service for a restart, None when no copy ran.
      type: str
    result:
      description: C(done), C(skipped...) or C(failed...) with the reason.
      type: str
samples:
  description: The running copies of each service, sampled each O(sample_every_s).
  returned: success
  type: list
  elements: dict
  sample: [{"time": 1795926230.5, "copies": {"backend": 1, "frontend": 10}}]
"""

import json
import os
import random
import signal
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.faults import RUNNER_OPTIONS, run_module_plan
from ansible_collections.loadbearing.ecs.plugins.module_utils.naming import LABELS

CLUSTER_LABEL = LABELS["cluster"]
SERVICE_LABEL = LABELS["service"]
RESTART_STOP_TIMEOUT_S = 2


class PodmanCopies(object):
    """The running copies of a local cluster, by label, and the two ways to hurt them."""

    def __init__(self, module, cluster, services):
        self.module = module
        self.podman = module.get_bin_path("podman", required=True)
        self.cluster = cluster
        self.services = services

    def _podman(self, *args):
        rc, out, err = self.module.run_command([self.podman] + list(args))
        if rc != 0:
            raise RuntimeError("podman %s: %s" % (args[0], err.strip() or out.strip()))
        return out

    def running_copies(self):
        out = self._podman("ps", "--filter", "label=%s=%s" % (CLUSTER_LABEL, self.cluster),
                           "--filter", "status=running", "--format", "json")
        copies = dict((service, []) for service in self.services)
        for container in json.loads(out or "[]"):
            service = (container.get("Labels") or {}).get(SERVICE_LABEL)
            if service in copies:
                copies[service].append(container["Names"][0])
        return copies

    def kill(self, name):
        pid = int(self._podman("inspect", "--format", "{{.State.Pid}}", name).strip() or 0)
        if pid <= 0:
            raise RuntimeError("%s has no running process" % name)
        os.kill(pid, signal.SIGKILL)

    def restart(self, service):
        # One copy after the other, like a rolling deployment, so the service keeps answering.
        for name in sorted(self.running_copies()[service]):
            self._podman("restart", "--time", str(RESTART_STOP_TIMEOUT_S), name)


def main():
    argument_spec = dict(cluster=dict(type="str", required=True), **RUNNER_OPTIONS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    platform = PodmanCopies(module, module.params["cluster"], module.params["services"])
    run_module_plan(module, platform, os.path.exists, time.time, time.sleep, random.Random(module.params["seed"]))


if __name__ == "__main__":
    main()
