"""Elastic: the service controller scales the frontends with the load, survives being killed,
rolls a new version out under load without a client-visible error, and refuses a broken one.

The workload is the real one (the backend errs 2% of the time behind its retry policy). Short
cooldowns and health checks keep the test quick; the figures it prints are the note's.
"""
import json
import os
import signal
import subprocess
import time

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.apachebench import parse_ab_output

MIN_COPIES, MAX_COPIES = 2, 6
FAST_HEALTH_CHECK = {"path": "/", "interval_s": 2, "timeout_s": 1, "healthy_threshold": 2, "unhealthy_threshold": 2}


@pytest.fixture(scope="module")
def services(cluster):
    services = [dict(service) for service in cluster.services]
    for service in services:
        service["health_check"] = dict(FAST_HEALTH_CHECK)
        if service["name"] == "frontend":
            # A target of half a copy's capacity (600 a minute): four clients are well above it.
            service.update(desired_count=MIN_COPIES, min_count=MIN_COPIES, max_count=MAX_COPIES,
                           requests_per_target=300, scale_out_cooldown_s=2, scale_in_cooldown_s=5)
    return services


@pytest.fixture(scope="module")
def deployed(cluster, services):
    run = cluster.playbook("build.yml", services=services, extra=GRACE)
    assert run.rc == 0, run.output[-4000:]
    return services


GRACE = {"services_health_check_grace_s": 0}


class Load(object):
    """ab in the background against the public listener, for a number of seconds."""

    def __init__(self, cluster, seconds, concurrency):
        url = "http://127.0.0.1:%d/" % cluster.public_port
        self.started = time.time()
        self.proc = subprocess.Popen(["ab", "-r", "-t", str(seconds), "-n", "10000000", "-c", str(concurrency), url],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def result(self):
        out, err = self.proc.communicate(timeout=600)
        return parse_ab_output(out + err)


def status(cluster):
    with open(os.path.join(cluster.state_dir, "controller", "status.json")) as handle:
        return json.load(handle)


def frontend(cluster):
    return status(cluster)["services"]["frontend"]


def copies_of(cluster, service):
    """Running copies of a service: name -> revision label."""
    proc = subprocess.run(["podman", "ps", "--filter", "label=loadbearing.ecs.service=" + service,
                           "--filter", "label=loadbearing.ecs.cluster=" + cluster.name, "--format", "json"],
                          capture_output=True, text=True, check=True)
    return {c["Names"][0]: c["Labels"]["loadbearing.ecs.revision"] for c in json.loads(proc.stdout or "[]")}


def controller_pid():
    proc = subprocess.run(["podman", "inspect", "--format", "{{.State.Pid}}", "itest-controller"],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout.strip())


def assert_no_client_visible_error(figures):
    assert figures["client_visible_errors"] == 0, figures
    assert figures["failed_connect"] == figures["failed_receive"] == figures["failed_exceptions"] == 0, figures


def test_scales_out_under_load_keeps_its_count_on_a_rebuild_and_scales_in_after(cluster, deployed):
    assert frontend(cluster)["desired_count"] == MIN_COPIES
    load = Load(cluster, seconds=30, concurrency=8)
    counts = []
    while load.proc.poll() is None:
        counts.append((time.time() - load.started, frontend(cluster)["desired_count"]))
        if counts[-1][1] == MAX_COPIES and not any(c[0] == "rebuilt" for c in counts):
            # A re-run of build keeps the count the controller chose, as on AWS.
            rebuild = cluster.playbook("build.yml", services=deployed, extra=GRACE)
            assert rebuild.rc == 0 and rebuild.changed == 0, rebuild.changed_tasks() or rebuild.output[-3000:]
            assert frontend(cluster)["desired_count"] > MIN_COPIES
            counts.append(("rebuilt", None))
        time.sleep(0.5)
    figures = load.result()
    ended = time.time() - load.started
    while frontend(cluster)["desired_count"] > MIN_COPIES and time.time() - load.started < ended + 60:
        time.sleep(0.5)
    back = time.time() - load.started - ended

    measured = [(t, n) for t, n in counts if t != "rebuilt"]
    first_added = next(t for t, n in measured if n > MIN_COPIES)
    peak = max(n for _t, n in measured)
    to_peak = next(t for t, n in measured if n == peak)
    print("\nscale out: first copy added %.1f s after the load started, peak of %d copies at %.1f s; "
          "back to %d copies %.1f s after the load ended; %s requests, %d client-visible errors, %d non-2xx"
          % (first_added, peak, to_peak, MIN_COPIES, back, figures["complete_requests"],
             figures["client_visible_errors"], figures["non_2xx_responses"]))
    assert first_added <= 10
    assert peak == MAX_COPIES
    assert frontend(cluster)["desired_count"] == MIN_COPIES
    assert len(copies_of(cluster, "frontend")) == MIN_COPIES
    assert_no_client_visible_error(figures)
    decisions = [d for d in frontend(cluster)["decisions"] if d["kind"] == "scale"]
    assert decisions and all("requests per copy per minute" in d["reason"] for d in decisions)


def test_a_killed_controller_comes_back_and_carries_on(cluster, deployed):
    before = controller_pid()
    copies = copies_of(cluster, "frontend")
    os.kill(before, signal.SIGKILL)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            if controller_pid() not in (0, before) and status(cluster)["pid"] != 0 and time.time() - status(cluster)["updated"] < 2:
                break
        except (subprocess.CalledProcessError, ValueError):
            pass
        time.sleep(0.2)
    assert controller_pid() not in (0, before)
    # The copies are not the controller's children: none went with it.
    assert copies_of(cluster, "frontend") == copies
    assert time.time() - status(cluster)["updated"] < 3
    answer = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:%d/" % cluster.public_port],
                            capture_output=True, text=True, check=True)
    assert answer.stdout == "200"


def test_a_new_version_rolls_out_under_load_without_a_client_visible_error(cluster, deployed):
    before = set(copies_of(cluster, "frontend").values())
    changed = [dict(s) for s in deployed]
    changed[1]["environment"] = {"RELEASE": "2"}
    load = Load(cluster, seconds=25, concurrency=4)
    time.sleep(2)
    run = cluster.playbook("build.yml", services=changed, extra=GRACE)
    figures = load.result()
    assert run.rc == 0, run.output[-4000:]
    after = set(copies_of(cluster, "frontend").values())
    print("\nrollout under load: %s requests, %d client-visible errors, %d non-2xx"
          % (figures["complete_requests"], figures["client_visible_errors"], figures["non_2xx_responses"]))
    assert len(after) == 1 and after != before
    assert frontend(cluster)["deployment"]["state"] == "COMPLETED"
    assert_no_client_visible_error(figures)


def test_a_broken_version_is_rolled_back_while_the_old_one_serves(cluster, deployed):
    serving = copies_of(cluster, "frontend")
    broken = [dict(s) for s in deployed]
    # Its frontends call a backend that is not there, and exit at their first request.
    broken[1]["environment"] = {"RELEASE": "3", "BACKEND_URL": "http://127.0.0.1:9/"}
    broken[1]["endpoints"] = {}
    load = Load(cluster, seconds=25, concurrency=4)
    time.sleep(2)
    run = cluster.playbook("build.yml", services=broken, extra=GRACE)
    figures = load.result()
    print("\nrollback under load: %s requests, %d client-visible errors, %d non-2xx"
          % (figures["complete_requests"], figures["client_visible_errors"], figures["non_2xx_responses"]))
    assert run.rc != 0
    assert "frontend: the new version" in run.output and "was refused and it was rolled back to revision" in run.output
    assert "did not pass its health check" in run.output and " restarts)" in run.output
    assert frontend(cluster)["deployment"]["state"] == "FAILED"
    # The old version kept serving and still does.
    assert set(copies_of(cluster, "frontend").values()) == set(serving.values())
    assert_no_client_visible_error(figures)
