"""The fault plan's checks, its schedule and the injection loop, on a simulated clock."""
import random

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.faults import (
    FaultSchedule, inject, plan_errors, run_faults)

SERVICES = ["backend", "frontend"]


def test_a_good_plan_has_no_errors():
    assert plan_errors([{"service": "frontend", "kill_every_s": 1},
                        {"service": "backend", "restart_once_at_s": 5.5}], SERVICES) == []
    assert plan_errors([], SERVICES) == []


@pytest.mark.parametrize("plan, message", [
    ({"service": "frontend"}, "must be a list"),
    (["frontend"], "benchmark_faults[0] must be a mapping"),
    ([{"service": "web", "kill_every_s": 1}], "names service 'web', which is not in the service list (backend, frontend)"),
    ([{"service": "frontend"}], "injects nothing: set kill_every_s, restart_once_at_s or both"),
    ([{"service": "frontend", "kill_every_s": 0}], "kill_every_s must be more than 0 seconds"),
    ([{"service": "frontend", "kill_every_s": "often"}], "kill_every_s must be a number of seconds, not 'often'"),
    ([{"service": "frontend", "restart_once_at_s": True}], "restart_once_at_s must be a number of seconds"),
    ([{"service": "frontend", "kill_every": 1}], "unknown keys kill_every: use only service, kill_every_s, restart_once_at_s"),
])
def test_a_bad_plan_says_what_to_do(plan, message):
    errors = plan_errors(plan, SERVICES)
    assert any(message in error for error in errors), errors


def test_kills_fall_due_every_period_and_a_restart_once():
    schedule = FaultSchedule([{"service": "frontend", "kill_every_s": 1}, {"service": "backend", "restart_once_at_s": 2.5}])
    assert schedule.next_due() == 1.0
    assert schedule.due(0.5) == []
    assert schedule.due(1.0) == [("frontend", "kill")]
    assert schedule.due(1.5) == []
    assert schedule.due(2.6) == [("frontend", "kill"), ("backend", "restart")]
    assert schedule.due(3.0) == [("frontend", "kill")]
    assert schedule.due(100.0) == [("frontend", "kill")]
    assert schedule.next_due() == 101.0


def test_a_late_loop_injects_a_missed_kill_once_not_once_per_period():
    schedule = FaultSchedule([{"service": "frontend", "kill_every_s": 0.5}])
    assert schedule.due(3.2) == [("frontend", "kill")]
    assert schedule.next_due() == 3.5


def test_a_plan_with_only_a_restart_has_nothing_left_after_it():
    schedule = FaultSchedule([{"service": "backend", "restart_once_at_s": 1}])
    assert schedule.due(1) == [("backend", "restart")]
    assert schedule.next_due() is None
    assert schedule.due(10) == []


class Clock(object):
    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += max(seconds, 0.01)


class RecordingPlatform(object):
    """Copies that stay up (restarted at once, as podman does), and what was done to them."""

    def __init__(self, copies):
        self.copies = copies
        self.kills, self.restarts, self.samples = [], [], 0

    def running_copies(self):
        self.samples += 1
        return {service: list(names) for service, names in self.copies.items()}

    def kill(self, name):
        self.kills.append(name)

    def restart(self, service):
        self.restarts.append(service)


def test_the_loop_injects_the_plan_and_samples_each_second_until_told_to_stop():
    clock = Clock()
    platform = RecordingPlatform({"frontend": ["f-0", "f-1", "f-2"], "backend": ["b-0"]})
    plan = [{"service": "frontend", "kill_every_s": 1}, {"service": "backend", "restart_once_at_s": 2.5}]
    result = run_faults(plan, platform, clock, clock.sleep, lambda: clock.now >= 1005.05, 60, random.Random(1))
    kinds = [(event["service"], event["kind"]) for event in result["events"]]
    assert kinds == [("frontend", "kill")] * 2 + [("backend", "restart")] + [("frontend", "kill")] * 3
    assert [event["result"] for event in result["events"]] == ["done"] * 6
    assert set(platform.kills) <= {"f-0", "f-1", "f-2"} and len(platform.kills) == 5
    assert platform.restarts == ["backend"]
    assert [round(event["time"] - 1000, 1) for event in result["events"]] == [1.0, 2.0, 2.5, 3.0, 4.0, 5.0]
    # One sample at the start and one each second after it.
    assert [round(sample["time"] - 1000) for sample in result["samples"]] == [0, 1, 2, 3, 4, 5]
    assert result["samples"][0]["copies"] == {"frontend": 3, "backend": 1}
    assert result["started_at"] == 1000.0 and 1005.05 <= result["stopped_at"] < 1005.2


def test_the_loop_ends_at_its_maximum_duration_when_never_told_to_stop():
    clock = Clock()
    result = run_faults([], RecordingPlatform({"frontend": ["f-0"]}), clock, clock.sleep, lambda: False, 3, random.Random(0))
    assert result["events"] == []
    assert 1003.0 <= result["stopped_at"] < 1003.2
    assert len(result["samples"]) == 3


def test_the_same_seed_kills_the_same_copies():
    def kills(seed):
        clock = Clock()
        platform = RecordingPlatform({"frontend": ["f-%d" % index for index in range(10)]})
        run_faults([{"service": "frontend", "kill_every_s": 1}], platform, clock, clock.sleep,
                   lambda: clock.now > 1010.5, 60, random.Random(seed))
        return platform.kills
    assert kills(7) == kills(7)
    assert len(set(kills(7))) > 1


def test_a_service_with_no_running_copy_is_skipped_and_said_so():
    clock = Clock()
    platform = RecordingPlatform({"frontend": []})
    event = inject(platform, "frontend", "kill", clock, random.Random(0))
    assert event["result"] == "skipped: no running copy" and event["target"] is None
    assert platform.kills == []


def test_a_platform_error_is_recorded_and_the_loop_goes_on():
    class Failing(RecordingPlatform):
        def kill(self, name):
            raise RuntimeError("%s has no running process" % name)
    clock = Clock()
    event = inject(Failing({"frontend": ["f-0"]}), "frontend", "kill", clock, random.Random(0))
    assert event["result"] == "failed: f-0 has no running process"
    assert event["target"] == "f-0"


def test_a_failed_restart_is_recorded_and_the_kills_go_on_meanwhile():
    class SlowFailingRestart(RecordingPlatform):
        def restart(self, service):
            raise RuntimeError("podman restart: no such container")
    clock = Clock()
    platform = SlowFailingRestart({"frontend": ["f-0"], "backend": ["b-0"]})
    plan = [{"service": "backend", "restart_once_at_s": 1}, {"service": "frontend", "kill_every_s": 1}]
    result = run_faults(plan, platform, clock, clock.sleep, lambda: clock.now >= 1002.5, 60, random.Random(0))
    assert [(event["kind"], event["result"]) for event in result["events"]] == [
        ("restart", "failed: podman restart: no such container"), ("kill", "done"), ("kill", "done")]
