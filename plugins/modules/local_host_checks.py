#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: local_host_checks
short_description: Check this machine for the local platform before anything is created
version_added: 0.2.0
description:
  - The local platform's preflight, in one step, in this order. It stops at the first check that
    fails, with a message that says what to do.
  - Runs as root (rootful podman, system paths).
  - Has every command of O(commands) (C(make deps) installs them).
  - Has a podman that can run containers (C(podman info) answers).
  - Listens on loopback only (O(loopback_addresses) in 127.0.0.0/8), since the cluster sends load to them.
  - Finds no other program listening on O(ports). A port is the cluster's by its container's
    labels, not by a process id read a moment earlier, since a copy, the registry or HAProxy restarts with a
    new process at any time, and the service controller adds and removes copies meanwhile, so the
    containers are listed before and after the listeners (C(ss -Htlnp)).
  - Changes nothing.
options:
  cluster:
    description: The cluster name, whose labelled containers own their ports.
    type: str
    required: true
  commands:
    description: The commands the platform runs, each mapped to the Debian package it comes from.
    type: dict
    required: true
  loopback_addresses:
    description: The addresses the cluster listens on (the load balancer's, the registry's).
    type: list
    elements: str
    default: []
  ports:
    description: The TCP ports the cluster needs on this machine.
    type: list
    elements: int
    default: []
  registry_port:
    description: The registry's port, which the cluster's registry container holds.
    type: int
    required: true
  listener_ports:
    description: The load balancer's listener ports, which the cluster's HAProxy container holds.
    type: list
    elements: int
    default: []
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Check this machine for the local platform
  loadbearing.ecs.local_host_checks:
    cluster: demo
    commands: {podman: podman, haproxy: haproxy, ab: apache2-utils}
    loopback_addresses: [127.0.0.1]
    ports: [5050, 8080, 8081, 20000, 20001]
    registry_port: 5050
    listener_ports: [8080, 8081]
"""

RETURN = r"""
taken:
  description: The ports another program holds, as C(PORT (process pid N)); empty when the checks pass.
  returned: always
  type: list
  elements: str
  sample: ["8080 (nginx pid 812)"]
"""

import ipaddress
import json
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.listeners import cluster_ports, foreign_listeners

LOCALE = {"LC_ALL": "C", "LANG": "C"}


class Host(object):
    """What the checks read of this machine."""

    def __init__(self, module):
        self.module = module

    def is_root(self):
        return os.geteuid() == 0

    def has(self, command):
        return self.module.get_bin_path(command) is not None

    def run(self, argv):
        return self.module.run_command(argv, environ_update=LOCALE)

    def podman_problem(self):
        rc, _out, err = self.run(["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"])
        if rc == 0:
            return None
        return err.strip() or "podman info failed (rc %d)" % rc

    def containers(self):
        rc, out, _err = self.run(["podman", "ps", "--all", "--format", "json"])
        return json.loads(out or "[]") if rc == 0 else []

    def listeners(self):
        rc, out, err = self.run(["ss", "-Htlnp"])
        if rc != 0:
            self.module.fail_json(msg="ss -Htlnp failed (rc %d): %s" % (rc, err.strip()))
        return out


def first_problem(host, params):
    """The message of the first check that fails, with the ports taken; (None, []) when all pass."""
    if not host.is_root():
        return "The local platform runs rootful podman and binds system paths; run it as root (sudo make demo).", []
    missing = [command for command in sorted(params["commands"]) if not host.has(command)]
    if missing:
        packages = sorted(set(params["commands"][command] for command in missing))
        return ("Missing commands: %s. Install them with `make deps` (or apt-get install %s)."
                % (", ".join(missing), " ".join(packages))), []
    podman = host.podman_problem()
    if podman:
        return ("podman does not work on this machine: %s. The init stage configures it (runc, cgroupfs, low "
                "ulimits) in /etc/containers/containers.conf; see docs/architecture.md." % podman), []
    if not all(ipaddress.ip_address(address).is_loopback for address in params["loopback_addresses"]):
        return ("loadbalancer_address and registry_address must be loopback addresses (127.0.0.0/8) on the local "
                "platform: the cluster sends load to them, not %s." % ", ".join(params["loopback_addresses"])), []
    before = host.containers()
    text = host.listeners()
    after = host.containers()
    own = set(cluster_ports(before + after, params["cluster"], params["registry_port"], params["listener_ports"]))
    taken = foreign_listeners(text, [port for port in params["ports"] if port not in own], [])
    if taken:
        return ("Ports needed by cluster %s are taken: %s. Stop that program, or choose other ports (registry_port, "
                "the service list's listener_port, ecs_local_port_base)." % (params["cluster"], ", ".join(taken))), taken
    return None, []


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cluster=dict(type="str", required=True),
            commands=dict(type="dict", required=True),
            loopback_addresses=dict(type="list", elements="str", default=[]),
            ports=dict(type="list", elements="int", default=[]),
            registry_port=dict(type="int", required=True),
            listener_ports=dict(type="list", elements="int", default=[]),
        ),
        supports_check_mode=True,
    )
    try:
        problem, taken = first_problem(Host(module), module.params)
    except ValueError as exc:  # an address that is no address
        problem, taken = "loadbalancer_address and registry_address must be IP addresses: %s" % exc, []
    if problem:
        module.fail_json(msg=problem, taken=taken)
    module.exit_json(changed=False, taken=[])


if __name__ == "__main__":
    main()
