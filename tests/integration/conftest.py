"""Runs the playbooks of this checkout as a user would, for a cluster of the tests' own."""
import http.client
import json
import os
import re
import socket
import subprocess

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(os.path.realpath(os.environ.get("ANSIBLE_PLAYBOOK", os.path.join(ROOT, ".venv", "bin", "ansible-playbook"))))
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


# A test's own playbook that runs a role alone plans the cluster first, as every stage's preflight does.
PLAN_TASK = {"name": "Plan the cluster", "ansible.builtin.include_role": {
    "name": "loadbearing.ecs.preflight", "tasks_from": "plan"}}


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a unix socket: the retry policy's counters, locally and in the sidecar."""

    def __init__(self, path):
        http.client.HTTPConnection.__init__(self, "localhost", timeout=5)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


class PlaybookRun(object):
    def __init__(self, proc):
        self.rc = proc.returncode
        self.output = proc.stdout + proc.stderr
        self.recap = {m.group(1): {"ok": int(m.group(2)), "changed": int(m.group(3)), "failed": int(m.group(5))}
                      for m in RECAP.finditer(self.output)}

    @property
    def changed(self):
        return sum(host["changed"] for host in self.recap.values())

    def changed_tasks(self):
        tasks, current = [], None
        for line in self.output.splitlines():
            if line.startswith("TASK ["):
                current = line
            elif line.startswith("changed:") and current:
                tasks.append(current)
        return tasks


class Cluster(object):
    """A cluster with its own name and ports, so the tests never touch the demo."""

    def __init__(self, tmp_dir, name="itest", registry_port=5150, port_base=21000, listener_base=8180):
        self.name = name
        self.tmp_dir = tmp_dir
        self.state_dir = "/var/lib/loadbearing-ecs/%s" % name
        self.reports = os.path.join(tmp_dir, "reports")
        with open(os.path.join(ROOT, "inventory", "local", "group_vars", "all", "services.yml")) as handle:
            self.services = yaml.safe_load(handle)["ecs_services"]
        for offset, service in enumerate(self.services):
            service["listener_port"] = listener_base + offset
        self.public_port = next(s["listener_port"] for s in self.services if s.get("public"))
        self.vars = {
            "ecs_cluster_name": name,
            "registry_port": registry_port,
            "ecs_local_port_base": port_base,
            "benchmark_report_root": self.reports,
            "benchmark_requests": 600,
        }

    def playbook(self, name, services=None, check=False, extra=None, tags=None):
        variables = dict(self.vars, ecs_services=services if services is not None else self.services, **(extra or {}))
        vars_file = os.path.join(self.tmp_dir, "vars.yml")
        with open(vars_file, "w") as handle:
            yaml.safe_dump(variables, handle)
        command = [os.path.join(BIN, "ansible-playbook"), os.path.join("playbooks", name), "-e", "@" + vars_file]
        if check:
            command.append("--check")
        if tags:
            command.extend(["--tags", tags])
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
                   ANSIBLE_HOME=os.path.join(self.tmp_dir, "ansible-home"), ANSIBLE_NOCOLOR="1")
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200, check=False)
        return PlaybookRun(proc)

    def podman_lines(self, *args):
        proc = subprocess.run(["podman"] + list(args), capture_output=True, text=True, check=True)
        return [line for line in proc.stdout.splitlines() if line.strip()]

    def containers(self):
        """name -> (id, image, state) of the cluster's containers, found by label."""
        proc = subprocess.run(["podman", "ps", "--all", "--filter", "label=loadbearing.ecs.cluster=" + self.name,
                               "--format", "json"], capture_output=True, text=True, check=True)
        return {c["Names"][0]: (c["Id"], c["Image"], c["State"]) for c in json.loads(proc.stdout or "[]")}

    def leftovers(self):
        label = "label=loadbearing.ecs.cluster=" + self.name
        found = {
            "containers": self.podman_lines("ps", "--all", "--quiet", "--filter", label)
            + self.podman_lines("ps", "--all", "--quiet", "--filter", "label=loadbearing.ecs.controller=" + self.name),
            "images": self.podman_lines("images", "--all", "--quiet", "--filter", label),
            "networks": self.podman_lines("network", "ls", "--quiet", "--filter", label),
            "volumes": self.podman_lines("volume", "ls", "--quiet", "--filter", label),
            "processes": subprocess.run(["pgrep", "-af", self.state_dir], capture_output=True,
                                        text=True, check=False).stdout.split("\n")[:-1],
            "state_dir": [self.state_dir] if os.path.exists(self.state_dir) else [],
            "registry_trust": [p for p in ["/etc/containers/registries.conf.d/50-loadbearing-%s.conf" % self.name]
                               if os.path.exists(p)],
        }
        return {kind: items for kind, items in found.items() if items}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The tests' cluster, cleaned of what an earlier run left (records on disk survive a reboot)."""
    cluster = Cluster(str(tmp_path_factory.mktemp("cluster")))
    run = cluster.playbook("terminate.yml")
    assert run.rc == 0, run.output
    yield cluster
    cluster.playbook("terminate.yml")
