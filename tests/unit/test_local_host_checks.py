"""The local platform's preflight, one check after another, on a recorded machine."""
import pytest

from ansible_collections.loadbearing.ecs.plugins.modules.local_host_checks import first_problem

# Recorded `ss -Htlnp`: the cluster's registry, its HAProxy, and another program on 8090.
SS = """\
LISTEN 0      4096   127.0.0.1:5050 0.0.0.0:* users:(("docker-registry",pid=5396,fd=3))
LISTEN 0      4096   127.0.0.1:8080 0.0.0.0:* users:(("haproxy",pid=7001,fd=7))
LISTEN 0      511    127.0.0.1:8090 0.0.0.0:* users:(("nginx",pid=812,fd=6))
"""
REGISTRY = {"Labels": {"loadbearing.ecs.registry": "demo"}}
HAPROXY = {"Labels": {"loadbearing.ecs.loadbalancer": "demo"}}


class Machine(object):
    def __init__(self, root=True, commands=("podman", "ss"), podman="", before=(), after=(), ss=SS):
        self.root, self.commands, self.podman = root, commands, podman
        self.lists = [list(before), list(after)]
        self.ss = ss

    def is_root(self):
        return self.root

    def has(self, command):
        return command in self.commands

    def podman_problem(self):
        return self.podman or None

    def containers(self):
        return self.lists.pop(0)

    def listeners(self):
        return self.ss


def params(**given):
    values = dict(cluster="demo", commands={"podman": "podman", "ss": "iproute2", "ab": "apache2-utils"},
                  loopback_addresses=["127.0.0.1"], ports=[5050, 8080], registry_port=5050, listener_ports=[8080])
    values.update(given)
    return values


@pytest.mark.parametrize("machine, given, start", [
    (Machine(root=False), {}, "The local platform runs rootful podman"),
    (Machine(), {}, "Missing commands: ab. Install them with `make deps` (or apt-get install apache2-utils)."),
    (Machine(commands=("podman", "ss", "ab"), podman="cannot re-exec process"), {},
     "podman does not work on this machine: cannot re-exec process."),
    (Machine(commands=("podman", "ss", "ab")), {"loopback_addresses": ["127.0.0.1", "10.0.0.5"]},
     "loadbalancer_address and registry_address must be loopback addresses"),
])
def test_the_first_check_that_fails_says_what_to_do(machine, given, start):
    problem, taken = first_problem(machine, params(**given))
    assert problem.startswith(start)
    assert taken == []


def test_ports_held_by_the_clusters_own_containers_are_not_taken():
    machine = Machine(commands=("podman", "ss", "ab"), before=[REGISTRY], after=[HAPROXY])
    assert first_problem(machine, params()) == (None, [])


def test_a_port_another_program_holds_is_named():
    machine = Machine(commands=("podman", "ss", "ab"), before=[REGISTRY, HAPROXY], after=[])
    problem, taken = first_problem(machine, params(ports=[5050, 8080, 8090]))
    assert taken == ["8090 (nginx pid 812)"]
    assert problem.startswith("Ports needed by cluster demo are taken: 8090 (nginx pid 812). Stop that program")


def test_a_cluster_container_that_restarted_between_the_two_lists_still_owns_its_port():
    """Listed before the listeners but not after (or the other way round): still the cluster's."""
    machine = Machine(commands=("podman", "ss", "ab"), before=[HAPROXY], after=[REGISTRY])
    assert first_problem(machine, params()) == (None, [])
