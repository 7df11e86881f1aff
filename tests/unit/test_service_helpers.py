"""The service list's local layout and the port-ownership check of preflight."""
import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.listeners import foreign_listeners, parse_ss_listeners
from ansible_collections.loadbearing.ecs.plugins.module_utils.service_list import local_slots

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
    {"name": "frontend", "desired_count": 3, "min_count": 2, "max_count": 6},
    {"name": "idle", "desired_count": 0},
]


def test_every_service_has_its_100_slots_at_stable_ports():
    slots = local_slots(SERVICES, "demo", 20000)
    assert len(slots) == 3 * 100
    assert slots[0] == {"name": "demo-backend-0", "service": "backend", "slot": 0, "port": 20000}
    assert slots[99] == {"name": "demo-backend-99", "service": "backend", "slot": 99, "port": 20099}
    assert slots[100] == {"name": "demo-frontend-0", "service": "frontend", "slot": 0, "port": 20100}
    assert slots[-1] == {"name": "demo-idle-99", "service": "idle", "slot": 99, "port": 20299}
    assert len(set(s["port"] for s in slots)) == len(slots)


@pytest.mark.parametrize("service, reachable", [
    # The default deployment (100/200): twice the largest count while rolling out.
    ({"name": "backend", "desired_count": 1}, 2),
    ({"name": "backend", "desired_count": 3, "min_count": 2, "max_count": 6}, 12),
    ({"name": "backend", "desired_count": 8, "max_count": 6}, 16),
    ({"name": "backend", "desired_count": 4, "deployment": {"maximum_percent": 150}}, 6),
    ({"name": "backend", "desired_count": 4, "deployment": {"minimum_healthy_percent": 50, "maximum_percent": 100}}, 4),
    ({"name": "backend", "desired_count": 1, "deployment": {"maximum_percent": 100}}, 2),
    ({"name": "backend", "desired_count": 50}, 100),
    ({"name": "backend", "desired_count": 0}, 1),
])
def test_reachable_slots_are_those_of_the_largest_count_while_rolling_out(service, reachable):
    slots = local_slots([service], "demo", 20000, reachable_only=True)
    assert [s["slot"] for s in slots] == list(range(reachable))
    assert slots[-1]["port"] == 20000 + reachable - 1


def test_changing_a_count_keeps_the_ports_of_every_service():
    scaled = [dict(SERVICES[0], desired_count=2)] + SERVICES[1:]
    before = dict((s["name"], s["port"]) for s in local_slots(SERVICES, "demo", 20000))
    after = dict((s["name"], s["port"]) for s in local_slots(scaled, "demo", 20000))
    assert before == after
    reachable = [s["name"] for s in local_slots(scaled, "demo", 20000, True) if s["service"] == "backend"]
    assert reachable == ["demo-backend-%d" % slot for slot in range(4)]


def test_too_many_copies_for_the_port_block():
    with pytest.raises(ValueError, match="backend can run 102 copies at once, more than the 100"):
        local_slots([{"name": "backend", "desired_count": 51}], "demo", 20000, reachable_only=True)
