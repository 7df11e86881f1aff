"""Faults as a feature: the throughput stage kills a frontend copy every second while ab runs.

The backend answers without errors here, so the only failures are the injected kills: the
client must see none of them (HAProxy retries on another copy), and the report must list them.
"""
import glob
import json
import os

import pytest

FRONTEND_COPIES = 4
PLAN = [{"service": "frontend", "kill_every_s": 1}]


@pytest.fixture(scope="module")
def services(cluster):
    services = [dict(service) for service in cluster.services]
    for service in services:
        if service["name"] == "backend":
            service["command"] = service["command"].replace("--error-rate 0.02", "--error-rate 0")
        if service["name"] == "frontend":
            service.update(desired_count=FRONTEND_COPIES, min_count=FRONTEND_COPIES, max_count=FRONTEND_COPIES)
    assert "--error-rate 0 " in services[0]["command"] + " "
    return services


def newest_report(cluster):
    reports = sorted(glob.glob(os.path.join(cluster.reports, cluster.name, "*", "report.json")))
    with open(reports[-1]) as handle:
        return os.path.dirname(reports[-1]), json.load(handle)


def test_a_bad_fault_plan_stops_before_anything_is_created(cluster, services):
    run = cluster.playbook("throughput.yml", services=services,
                           extra={"benchmark_faults": [{"service": "web", "kill_every_s": 1}]})
    assert run.rc != 0
    assert "names service 'web', which is not in the service list (backend, frontend)" in run.output
    assert cluster.leftovers() == {}


def test_killing_a_frontend_copy_every_second_reaches_no_client(cluster, services):
    run = cluster.playbook("throughput.yml", services=services,
                           extra={"benchmark_faults": PLAN, "benchmark_requests": 300, "benchmark_faults_seed": 1,
                                  # Four copies serve 40 req/s at most: this test is about errors, not speed.
                                  "benchmark_slo_min_requests_per_second": 0})
    assert run.rc == 0, run.output[-4000:]
    report_dir, report = newest_report(cluster)
    figures = report["apachebench"]
    assert figures["complete_requests"] == 300
    assert figures["client_visible_errors"] == 0, figures
    # Not even an answer cut short: the frontend's retry policy retries a copy killed mid-answer.
    assert figures["failed_requests"] == 0, figures
    kills = [fault for fault in report["faults"] if fault["kind"] == "kill" and fault["result"] == "done"]
    assert len(kills) >= 3, report["faults"]
    assert all(fault["target"].startswith("itest-frontend-") for fault in kills)
    # kill -9 from the host is a crash to podman: each killed copy was restarted, none stayed down.
    assert report["context"]["frontend_restarts_during_run"] >= len(kills)
    assert report["copies_samples"][-1]["copies"]["frontend"] <= FRONTEND_COPIES
    containers = cluster.containers()
    assert len([name for name in containers if name.startswith("itest-frontend-")]) == FRONTEND_COPIES
    assert all(state == "running" for _id, _image, state in containers.values())
    # The run over time: per-second rows add up to the requests, and the chart is embedded.
    assert sum(row["requests"] for row in figures["per_second"]) == 300
    with open(os.path.join(report_dir, "throughput.png"), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(os.path.join(report_dir, "report.md")) as handle:
        markdown = handle.read()
    assert "](throughput.png)" in markdown
    assert "| kill | %s | done |" % kills[0]["target"] in markdown
    # Every request that reached a frontend called the backend once through its retry policy;
    # the backend answers no ERROR here, so nothing was retried for its body.
    backend_calls = report["retry_policies"]["backend"]
    assert backend_calls["calls"] >= 300
    assert backend_calls["failures"]["body"] == 0
    # The clients' calls went through the frontend's policy, which retried the killed copies' calls.
    frontend_calls = report["retry_policies"]["frontend"]
    assert frontend_calls["calls"] == 300
    assert frontend_calls["retries"] > 0 and frontend_calls["gave_up"] == 0
    assert "Retry policies during the run" in markdown
