# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who listens on which TCP port, from `ss -Htlnp` output. Standard library only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.loadbearing.ecs.plugins.module_utils.naming import LABELS

_PID = re.compile(r"pid=(\d+)")
_PROCESS = re.compile(r'\("([^"]+)",pid=(\d+)')


def parse_ss_listeners(text):
    """Map each listening port to a list of {address, process, pid} from `ss -Htlnp`."""
    listeners = {}
    for line in text.splitlines():
        fields = line.split()
        # State Recv-Q Send-Q Local:Port Peer:Port [Process]
        if len(fields) < 5 or fields[0] != "LISTEN":
            continue
        address, _sep, port = fields[3].rpartition(":")
        if not port.isdigit():
            continue
        processes = _PROCESS.findall(" ".join(fields[5:])) or [("?", "0")]
        for name, pid in processes:
            listeners.setdefault(int(port), []).append(
                {"address": address, "process": name, "pid": int(pid)})
    return listeners


def foreign_listeners(text, ports, own_pids):
    """The listeners on `ports` that belong to none of `own_pids`, as 'PORT (process pid N)'."""
    own = set(int(pid) for pid in own_pids if str(pid).strip().isdigit())
    listeners = parse_ss_listeners(text)
    taken = []
    for port in sorted(set(int(p) for p in ports)):
        for listener in listeners.get(port, []):
            if listener["pid"] not in own:
                taken.append("%d (%s pid %d)" % (port, listener["process"], listener["pid"]))
                break
    return taken


def cluster_ports(containers, cluster, registry_port, listener_ports):
    """The ports the cluster's own containers hold, from `podman ps --all --format json`.

    A copy holds the port of its label; the cluster's registry its port, and its HAProxy every
    listener. A container is the cluster's by its labels, which survive the restarts that change
    its process ids.
    """
    ports = set()
    for container in containers or []:
        labels = container.get("Labels") or {}
        if labels.get(LABELS["cluster"]) == cluster and str(labels.get(LABELS["port"], "")).isdigit():
            ports.add(int(labels[LABELS["port"]]))
        if labels.get(LABELS["registry"]) == cluster:
            ports.add(int(registry_port))
        if labels.get(LABELS["loadbalancer"]) == cluster:
            ports.update(int(port) for port in listener_ports)
    return sorted(ports)
