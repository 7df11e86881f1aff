"""The modules run as Ansible runs them (a JSON args file), against real ab and real Packer."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = os.path.join(ROOT, "plugins", "modules")
FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
BACKEND = os.path.join(ROOT, "packer", "services", "backend", "backend.py")


def run_module(name, args, tmp_path, check_mode=False):
    args = dict(args, _ansible_check_mode=check_mode)
    args_file = tmp_path / ("%s-args.json" % name)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "collections"))
    proc = subprocess.run([sys.executable, os.path.join(MODULES, name + ".py"), str(args_file)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    return json.loads(proc.stdout)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def backend():
    port = free_port()
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


needs_ab = pytest.mark.skipif(not shutil.which("ab"), reason="ab (apache2-utils) is not installed")
needs_packer = pytest.mark.skipif(not shutil.which("packer"), reason="packer is not installed")


def test_apachebench_parses_given_output(tmp_path):
    with open(os.path.join(FIXTURES, "ab", "keepalive.txt")) as handle:
        result = run_module("apachebench", {"output": handle.read()}, tmp_path)
    assert result.get("failed") is not True, result
    assert result["changed"] is False
    assert result["ansible_facts"]["apachebench"]["keepalive_requests"] == 400


def test_apachebench_fails_with_abs_error_line_on_recorded_abort(tmp_path):
    with open(os.path.join(FIXTURES, "ab", "aborted_refused.txt")) as handle:
        result = run_module("apachebench", {"output": handle.read()}, tmp_path)
    assert result["failed"] is True
    assert "apr_socket_recv: Connection refused (111)" in result["msg"]


@needs_ab
def test_apachebench_runs_ab_with_keepalive_headers_and_post(tmp_path, backend):
    result = run_module("apachebench", {
        "url": backend, "requests": 40, "concurrency": 4, "keepalive": True,
        "headers": {"X-Test": "yes"}, "post_body": "a=1",
    }, tmp_path)
    assert result.get("failed") is not True, result
    figures = result["ansible_facts"]["apachebench"]
    assert figures["complete_requests"] == 40
    assert figures["total_body_sent_bytes"] > 0
    # The demo backend has no POST handler: http.server answers 501 to every request.
    assert figures["non_2xx_responses"] == 40
    assert figures["success_ratio"] == 0.0
    assert "-k" in result["command"] and "X-Test: yes" in result["command"]


@needs_ab
def test_apachebench_measures_a_live_server(tmp_path, backend):
    result = run_module("apachebench", {"url": backend, "requests": 200, "concurrency": 5}, tmp_path)
    figures = result["ansible_facts"]["apachebench"]
    assert figures["complete_requests"] == 200
    assert figures["client_visible_errors"] == 0
    assert figures["requests_per_second"] > 0


@needs_ab
def test_apachebench_fails_when_nothing_listens(tmp_path):
    url = "http://127.0.0.1:%d/" % free_port()
    result = run_module("apachebench", {"url": url, "requests": 5, "concurrency": 1,
                                        "continue_on_receive_error": False}, tmp_path)
    assert result["failed"] is True
    assert "Connection refused" in result["msg"]
    # With -r, ab counts the refusals and finishes: every attempt is an error.
    result = run_module("apachebench", {"url": url, "requests": 5, "concurrency": 1}, tmp_path)
    assert result["ansible_facts"]["apachebench"]["success_ratio"] == 0.0
    assert result["ansible_facts"]["apachebench"]["client_visible_errors"] > 0


def test_apachebench_check_mode_sends_no_load(tmp_path):
    result = run_module("apachebench", {"url": "http://127.0.0.1:1/"}, tmp_path, check_mode=True)
    assert result.get("failed") is not True, result
    assert "check mode" in result["msg"]


def test_apachebench_rejects_concurrency_above_requests(tmp_path):
    result = run_module("apachebench", {"url": "http://127.0.0.1:1/", "requests": 2, "concurrency": 5}, tmp_path)
    assert result["failed"] is True
    assert "cannot exceed" in result["msg"]


def packer_args(tmp_path, fail="no"):
    return {
        "template": os.path.join(FIXTURES, "packer_templates", "null.pkr.hcl"),
        "variables": {"fail": fail},
        "state_file": str(tmp_path / "state" / "null.json"),
    }


@needs_packer
def test_packer_build_check_mode_validates(tmp_path):
    result = run_module("packer_build", packer_args(tmp_path), tmp_path, check_mode=True)
    assert result.get("failed") is not True, result
    assert result["changed"] is True and result["built"] is False
    assert not (tmp_path / "state" / "null.json").exists()


@needs_packer
def test_packer_build_check_mode_reports_an_invalid_template(tmp_path):
    bad = tmp_path / "bad.pkr.hcl"
    bad.write_text('source "null" "x" {\n  no_such_option = 1\n}\nbuild { sources = ["source.null.x"] }\n')
    args = dict(packer_args(tmp_path), template=str(bad), variables={})
    result = run_module("packer_build", args, tmp_path, check_mode=True)
    assert result["failed"] is True
    assert "packer validate failed" in result["msg"] and "no_such_option" in result["msg"]


@needs_packer
def test_packer_build_records_a_successful_build_and_its_log(tmp_path):
    result = run_module("packer_build", packer_args(tmp_path), tmp_path)
    assert result.get("failed") is not True, result
    assert result["changed"] is True and result["built"] is True
    assert result["artifacts"][0]["builder_id"] == "fnoeding.null"
    with open(result["log_file"]) as log:
        assert "building" in log.read()
    with open(str(tmp_path / "state" / "null.json")) as state:
        assert json.load(state)["fingerprint"] == result["fingerprint"]


@needs_packer
def test_packer_build_failure_carries_packers_error_lines(tmp_path):
    result = run_module("packer_build", packer_args(tmp_path, fail="yes"), tmp_path)
    assert result["failed"] is True
    assert result["errors"] == ["Script exited with non-zero exit status: 3.Allowed exit codes are: [0]"]
    assert "Script exited with non-zero exit status: 3" in result["msg"]
    assert result["log_file"] in result["msg"]
    assert not (tmp_path / "state" / "null.json").exists()


# debian_image against the real podman: check mode and absent, which make nothing.
HOOK = os.path.join(ROOT, "packer", "debian", "root-filesystem-hook.sh")


@pytest.mark.skipif(shutil.which("podman") is None, reason="podman is installed by make deps")
def test_debian_image_in_check_mode_names_the_image_and_makes_nothing(tmp_path):
    args = {"repository": "localhost/unit-test/never-made", "packages": ["haproxy"], "hook": HOOK,
            "work_dir": str(tmp_path), "labels": {"loadbearing.ecs.unit-test": "x"}}
    first = run_module("debian_image", args, tmp_path, check_mode=True)
    assert first["changed"] is True, first
    assert first["ref"].startswith("localhost/unit-test/never-made:") and len(first["ref"].rsplit(":", 1)[1]) == 12
    assert subprocess.run(["podman", "image", "exists", first["ref"]], check=False).returncode == 1
    other = run_module("debian_image", dict(args, packages=["haproxy", "curl"]), tmp_path, check_mode=True)
    assert other["ref"] != first["ref"]
    assert run_module("debian_image", dict(args, tag="fixed"), tmp_path, check_mode=True)["ref"].endswith(":fixed")


@pytest.mark.skipif(shutil.which("podman") is None, reason="podman is installed by make deps")
def test_debian_image_absent_needs_labels_and_finds_nothing_unlabelled(tmp_path):
    refused = run_module("debian_image", {"state": "absent"}, tmp_path)
    assert refused.get("failed") and "would remove every image" in refused["msg"]
    nothing = run_module("debian_image", {"state": "absent", "labels": {"loadbearing.ecs.unit-test": "none"}}, tmp_path)
    assert nothing["changed"] is False and nothing["removed"] == []
