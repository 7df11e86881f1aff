"""apachebench's -g record, the chart and the local fault runner's checks, run as Ansible runs them."""
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = os.path.join(ROOT, "plugins", "modules")
BACKEND = os.path.join(ROOT, "packer", "services", "backend", "backend.py")
GNUPLOT = os.path.join(os.path.dirname(__file__), "fixtures", "ab_gnuplot", "one_frontend_c4")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_module(name, args, tmp_path, check_mode=False):
    args_file = tmp_path / ("%s-args.json" % name)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check_mode)}))
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "collections"))
    proc = subprocess.run([sys.executable, os.path.join(MODULES, name + ".py"), str(args_file)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    return json.loads(proc.stdout)


@pytest.fixture
def backend():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, BACKEND, "--port", str(port), "--error-rate", "0"])
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield "http://127.0.0.1:%d/" % port
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.skipif(not shutil.which("ab"), reason="ab (apache2-utils) is not installed")
def test_apachebench_returns_per_second_rows_from_its_g_file(backend, tmp_path):
    gnuplot = str(tmp_path / "requests.tsv")
    result = run_module("apachebench", {"url": backend, "requests": 50, "concurrency": 2, "gnuplot_file": gnuplot}, tmp_path)
    assert result.get("failed") is not True, result
    assert "-g" in result["command"]
    rows = result["ansible_facts"]["apachebench"]["per_second"]
    assert sum(row["requests"] for row in rows) == 50
    assert os.path.exists(gnuplot)


def test_apachebench_without_a_g_file_has_no_rows(tmp_path):
    with open(GNUPLOT + ".txt") as handle:
        result = run_module("apachebench", {"output": handle.read()}, tmp_path)
    assert result["ansible_facts"]["apachebench"]["per_second"] is None


def test_apachebench_reads_the_g_file_of_a_recorded_run(tmp_path):
    with open(GNUPLOT + ".txt") as handle:
        result = run_module("apachebench", {"output": handle.read(), "gnuplot_file": GNUPLOT + ".tsv"}, tmp_path)
    assert [row["requests"] for row in result["ansible_facts"]["apachebench"]["per_second"]] == [12, 10, 9, 9]


def test_chart_is_a_png(tmp_path):
    rows = [{"second": 100 + index, "requests": 10 - (index == 2) * 4, "p50_ms": 100, "p99_ms": 120 + index * 10}
            for index in range(6)]
    samples = [{"time": 100.2 + index, "copies": {"frontend": 3 - (index == 2), "backend": 1}} for index in range(6)]
    events = [{"time": 102.1, "service": "frontend", "kind": "kill", "target": "c-frontend-1", "result": "done"},
              {"time": 104.0, "service": "backend", "kind": "restart", "target": "backend", "result": "done"}]
    path = tmp_path / "throughput.png"
    result = run_module("benchmark_chart", {"path": str(path), "per_second": rows, "samples": samples,
                                            "events": events, "title": "test"}, tmp_path)
    assert result.get("failed") is not True, result
    assert result["seconds"] == 6
    with open(str(path), "rb") as handle:
        assert handle.read(8) == PNG_SIGNATURE
    assert path.stat().st_size > 10000


def test_chart_in_check_mode_draws_nothing(tmp_path):
    path = tmp_path / "throughput.png"
    result = run_module("benchmark_chart", {"path": str(path), "per_second": []}, tmp_path, check_mode=True)
    assert result["changed"] is False
    assert not path.exists()


@pytest.mark.skipif(not shutil.which("podman"), reason="podman is not installed")
def test_fault_runner_refuses_a_bad_plan_before_injecting(tmp_path):
    result = run_module("fault_injector", {"cluster": "nothing-here", "services": ["backend", "frontend"],
                                           "plan": [{"service": "web", "kill_every_s": 1}],
                                           "stop_file": str(tmp_path / "stop")}, tmp_path)
    assert result["failed"] is True
    assert "names service 'web', which is not in the service list (backend, frontend)" in result["msg"]
    assert "events" not in result


@pytest.mark.skipif(not shutil.which("podman"), reason="podman is not installed")
def test_fault_runner_samples_until_the_stop_file_appears(tmp_path):
    stop = tmp_path / "stop"
    timer = threading.Timer(2.5, stop.write_text, [""])
    timer.start()
    started = time.time()
    result = run_module("fault_injector", {"cluster": "nothing-here", "services": ["frontend"], "plan": [],
                                           "stop_file": str(stop)}, tmp_path)
    timer.join()
    assert result.get("failed") is not True, result
    assert result["events"] == []
    # A cluster with no container: every sample counts 0 copies, about once a second.
    assert [sample["copies"] for sample in result["samples"]] == [{"frontend": 0}] * len(result["samples"])
    assert 2 <= len(result["samples"]) <= 4
    assert 1.5 <= result["stopped_at"] - result["started_at"] < 10
    assert time.time() - started < 15
