# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault plans: checking them, when each fault is due, and the loop that injects them.

The loop knows nothing of podman or ECS: a platform object lists the running copies of a
service, kills one copy and restarts a service. Standard library only, so it is testable alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

KILL = "kill"
RESTART = "restart"
PLAN_KEYS = ("service", "kill_every_s", "restart_once_at_s")


def plan_errors(plan, service_names):
    """Everything wrong with a fault plan, each as a sentence that says what to do."""
    errors = []
    if not isinstance(plan, list):
        return ["benchmark_faults must be a list of {service, kill_every_s, restart_once_at_s}, not %r" % (plan,)]
    for position, fault in enumerate(plan):
        where = "benchmark_faults[%d]" % position
        if not isinstance(fault, dict):
            errors.append("%s must be a mapping such as {service: frontend, kill_every_s: 1}" % where)
            continue
        unknown = sorted(set(fault) - set(PLAN_KEYS))
        if unknown:
            errors.append("%s has unknown keys %s: use only %s" % (where, ", ".join(unknown), ", ".join(PLAN_KEYS)))
        if fault.get("service") not in service_names:
            errors.append("%s names service %r, which is not in the service list (%s)"
                          % (where, fault.get("service"), ", ".join(service_names)))
        if fault.get("kill_every_s") is None and fault.get("restart_once_at_s") is None:
            errors.append("%s injects nothing: set kill_every_s, restart_once_at_s or both" % where)
        for key in ("kill_every_s", "restart_once_at_s"):
            value = fault.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                errors.append("%s.%s must be a number of seconds, not %r" % (where, key, value))
            elif value <= 0:
                errors.append("%s.%s must be more than 0 seconds, not %r" % (where, key, value))
    return errors


class FaultSchedule(object):
    """Which faults are due after a given number of seconds since the start.

    A kill every N seconds is due at N, 2N, 3N...; a restart once at its time. A fault that
    fell due while the loop was busy is returned once, late, not once per missed period.
    """

    def __init__(self, plan):
        self._next = []
        for fault in plan:
            if fault.get("kill_every_s"):
                self._next.append([float(fault["kill_every_s"]), fault["service"], KILL, float(fault["kill_every_s"])])
            if fault.get("restart_once_at_s"):
                self._next.append([float(fault["restart_once_at_s"]), fault["service"], RESTART, None])

    def due(self, elapsed_s):
        """(service, kind) of every fault due by elapsed_s, in plan order; advances the schedule."""
        found = []
        for entry in self._next:
            at, service, kind, period = entry
            if at is None or at > elapsed_s:
                continue
            found.append((service, kind))
            if period is None:
                entry[0] = None
            else:
                while entry[0] <= elapsed_s:
                    entry[0] += period
        return found

    def next_due(self):
        """Seconds since the start at which the next fault is due, None when none is left."""
        pending = [entry[0] for entry in self._next if entry[0] is not None]
        return min(pending) if pending else None


def run_faults(plan, platform, clock, sleep, should_stop, max_duration_s, rng, sample_every_s=1.0):
    """Inject the plan's faults and sample the running copies until told to stop.

    clock returns epoch seconds; should_stop is asked between steps, so the loop ends within
    about a tenth of a second of being told to, or after max_duration_s at the latest.
    A restart takes seconds (one copy after the other), so it runs in a thread of its own while
    the kills go on. Returns {started_at, stopped_at, events, samples} ("started" would tell
    Ansible's async_status that the job is still running); each event says when, what and to
    which copy, and whether the platform did it.
    """
    schedule = FaultSchedule(plan)
    started = clock()
    events, samples, restarts = [], [], []
    next_sample = 0.0
    while True:
        elapsed = clock() - started
        if should_stop() or elapsed >= max_duration_s:
            break
        if elapsed >= next_sample:
            running = platform.running_copies()
            samples.append({"time": round(clock(), 3),
                            "copies": dict((name, len(copies)) for name, copies in running.items())})
            while next_sample <= elapsed:
                next_sample += sample_every_s
        for service, kind in schedule.due(elapsed):
            if kind == RESTART:
                event = _event(clock, service, kind, service)
                restarts.append(threading.Thread(target=_restart, args=(platform, event)))
                restarts[-1].start()
            else:
                event = inject(platform, service, kind, clock, rng)
            events.append(event)
        upcoming = [next_sample]
        if schedule.next_due() is not None:
            upcoming.append(schedule.next_due())
        sleep(max(0.0, min(min(upcoming) - (clock() - started), 0.1)))
    for worker in restarts:
        worker.join()
    return {"started_at": round(started, 3), "stopped_at": round(clock(), 3), "events": events, "samples": samples}


def _event(clock, service, kind, target):
    return {"time": round(clock(), 3), "service": service, "kind": kind, "target": target, "result": "done"}


def _restart(platform, event):
    try:
        platform.restart(event["service"])
    except Exception as exc:  # pylint: disable=broad-except
        event["result"] = "failed: %s" % exc


def inject(platform, service, kind, clock, rng):
    """One fault now: kill a random running copy of service, or restart the whole service."""
    if kind == RESTART:
        event = _event(clock, service, kind, service)
        _restart(platform, event)
        return event
    event = _event(clock, service, kind, None)
    try:
        copies = sorted(platform.running_copies().get(service, []))
        if not copies:
            event["result"] = "skipped: no running copy"
            return event
        event["target"] = rng.choice(copies)
        platform.kill(event["target"])
    except Exception as exc:  # pylint: disable=broad-except
        # A copy that exited between listing and killing is a normal race, not a reason to stop.
        event["result"] = "failed: %s" % exc
    return event


# The options both fault modules take, for their argument_spec.
RUNNER_OPTIONS = dict(
    plan=dict(type="list", elements="dict", required=True),
    services=dict(type="list", elements="str", required=True),
    stop_file=dict(type="path", required=True),
    max_duration_s=dict(type="int", default=600),
    sample_every_s=dict(type="float", default=1.0),
    seed=dict(type="int"),
)


def run_module_plan(module, platform, stop_file_exists, clock, sleep, rng):
    """What both fault modules do: check the plan, then inject until the stop file appears.

    In check mode nothing is injected and nothing is sampled.
    """
    params = module.params
    errors = plan_errors(params["plan"], params["services"])
    if errors:
        module.fail_json(msg="The fault plan is malformed: %s" % "; ".join(errors))
    if module.check_mode:
        module.exit_json(changed=False, events=[], samples=[], msg="check mode: no fault injected")
    result = run_faults(params["plan"], platform, clock, sleep,
                        lambda: stop_file_exists(params["stop_file"]),
                        params["max_duration_s"], rng, params["sample_every_s"])
    # Killing copies changes nothing the deployment declares: podman or ECS restores them.
    module.exit_json(changed=False, **result)
