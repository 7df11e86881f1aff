"""The service list's local layout and the port-ownership check of preflight."""
import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.listeners import foreign_listeners, parse_ss_listeners
from ansible_collections.loadbearing.ecs.plugins.module_utils.service_list import local_replicas

# Recorded `ss -Htlnp` output of a machine running a registry, HAProxy and one copy.
SS_OUTPUT = """\
LISTEN 0      128      0.0.0.0:2024 0.0.0.0:*
LISTEN 0      4096   127.0.0.1:5050 0.0.0.0:* users:(("docker-registry",pid=5396,fd=3))
LISTEN 0      4096   127.0.0.1:8080 0.0.0.0:* users:(("haproxy",pid=7001,fd=7),("haproxy",pid=7000,fd=7))
LISTEN 0      5            *:20100 *:* users:(("python3",pid=8123,fd=3))
LISTEN 0      511      [::1]:6379 [::]:* users:(("redis-server",pid=99,fd=6))
"""


def test_parse_ss_listeners():
    listeners = parse_ss_listeners(SS_OUTPUT)
    assert listeners[5050] == [{"address": "127.0.0.1", "process": "docker-registry", "pid": 5396}]
    assert [entry["pid"] for entry in listeners[8080]] == [7001, 7000]
    assert listeners[6379][0]["address"] == "[::1]"
    assert listeners[2024][0]["pid"] == 0


@pytest.mark.parametrize("ports, own, taken", [
    ([5050, 8080, 20100], [5396, 7001, 7000, 8123], []),
    ([5050, 8080, 20100], [5396, 8123], ["8080 (haproxy pid 7001)"]),
    ([6379, 9999], [], ["6379 (redis-server pid 99)"]),
    ([2024], ["1", "not-a-pid"], ["2024 (? pid 0)"]),
])
def test_foreign_listeners(ports, own, taken):
    assert foreign_listeners(SS_OUTPUT, ports, own) == taken


SERVICES = [
    {"name": "backend", "desired_count": 1},
    {"name": "frontend", "desired_count": 3},
    {"name": "idle", "desired_count": 0},
]


def test_local_replicas_have_stable_ports_per_service():
    replicas = local_replicas(SERVICES, "demo", 20000)
    assert [(r["name"], r["port"]) for r in replicas] == [
        ("demo-backend-0", 20000),
        ("demo-frontend-0", 20100),
        ("demo-frontend-1", 20101),
        ("demo-frontend-2", 20102),
    ]


def test_scaling_one_service_keeps_the_ports_of_the_others():
    scaled = [dict(SERVICES[0], desired_count=2)] + SERVICES[1:]
    before = {r["name"]: r["port"] for r in local_replicas(SERVICES, "demo", 20000)}
    after = {r["name"]: r["port"] for r in local_replicas(scaled, "demo", 20000)}
    assert all(after[name] == port for name, port in before.items())
    assert after["demo-backend-1"] == 20001


def test_too_many_copies_for_the_port_block():
    with pytest.raises(ValueError, match="backend"):
        local_replicas([{"name": "backend", "desired_count": 101}], "demo", 20000)
