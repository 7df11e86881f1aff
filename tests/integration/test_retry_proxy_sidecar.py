"""The AWS sidecar for real: the retry-proxy image built as artifacts builds it, run with podman.

The images role's build (the one the AWS build host runs) makes the image the plan names, with
its HAProxy base from Debian's package and the shared retry_policy.lua, and pushes it to a
registry of the test's own on loopback. The container then gets the environment
loadbearing.ecs.task_containers gives the sidecar of the demo's frontend, with a loopback server
in place of the internal ALB that answers like the demo backend (200 `ERROR`, then a good answer).
"""
import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from conftest import PLAN_TASK, UnixHTTPConnection

from ansible_collections.loadbearing.ecs.plugins.module_utils.images import image_plan
from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import (
    LOG_MARK, SIDECAR_LOG_EVERY_S, SIDECAR_NAME, parse_stats, task_containers)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(os.path.realpath(os.environ.get("ANSIBLE_PLAYBOOK", os.path.join(ROOT, ".venv", "bin", "ansible-playbook"))))
CLUSTER = "sidecartest"
CONTAINER = "%s-%s" % (CLUSTER, SIDECAR_NAME)
TRUST_FILE = "/etc/containers/registries.conf.d/50-loadbearing-%s.conf" % CLUSTER


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_services():
    with open(os.path.join(ROOT, "inventory", "local", "group_vars", "all", "services.yml")) as handle:
        return yaml.safe_load(handle)["ecs_services"]


class ErringLoadBalancer(BaseHTTPRequestHandler):
    """Stands for the internal ALB: the first of every two calls gets the backend's 200 ERROR."""

    def do_GET(self):  # noqa: N802 (http.server naming)
        with self.server.lock:
            self.server.calls += 1
            body = b"ERROR" if self.server.calls % 2 == 1 else b"2026-01-01T00:00:00+0000"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802 (http.server naming)
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()

    def log_message(self, *args):
        pass


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False, **kwargs)


def clean_up(registry_dir=None):
    run(["podman", "rm", "--force", CONTAINER])
    images = run(["podman", "images", "--quiet", "--filter", "label=loadbearing.ecs.cluster=%s" % CLUSTER]).stdout.split()
    if images:
        run(["podman", "rmi", "--force"] + sorted(set(images)))
    if os.path.exists(TRUST_FILE):
        os.remove(TRUST_FILE)


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """A distribution registry of the test's own on loopback, trusted by podman, as the registry role runs one."""
    clean_up()
    port = free_port()
    root = tmp_path_factory.mktemp("registry")
    config = root / "config.yml"
    config.write_text(json.dumps({
        "version": 0.1, "storage": {"filesystem": {"rootdirectory": str(root / "data")}},
        "http": {"addr": "127.0.0.1:%d" % port}}))
    with open(TRUST_FILE, "w") as handle:
        handle.write('[[registry]]\nlocation = "127.0.0.1:%d"\ninsecure = true\n' % port)
    proc = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while True:
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/v2/" % port, timeout=1).read()
            break
        except OSError:
            assert time.time() < deadline and proc.poll() is None, "the test's registry did not start"
            time.sleep(0.2)
    yield "127.0.0.1:%d" % port
    proc.terminate()
    proc.wait(timeout=10)
    clean_up()


@pytest.fixture(scope="module")
def proxy_image(registry, tmp_path_factory):
    """The retry proxy's image, built and pushed by the images role's build, as on the build host."""
    tmp_dir = tmp_path_factory.mktemp("build")
    variables = {"ecs_cluster_name": CLUSTER, "ecs_platform": "aws", "ecs_services": demo_services(),
                 "ecs_state_dir": str(tmp_dir / "state"), "images_registry": registry, "images_build": [SIDECAR_NAME],
                 "ansible_python_interpreter": os.path.join(BIN, "python")}
    vars_file, playbook = tmp_dir / "vars.yml", tmp_dir / "build.yml"
    vars_file.write_text(yaml.safe_dump(variables))
    playbook.write_text(yaml.safe_dump([{
        "name": "The build host's part of artifacts", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "tasks": [PLAN_TASK, {"name": "Build and push", "ansible.builtin.include_role": {
            "name": "loadbearing.ecs.images", "tasks_from": "local/present.yml"}}]}]))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOME=str(tmp_dir / "ansible-home"))
    proc = run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", str(playbook), "-e", "@%s" % vars_file],
               cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    planned = image_plan(demo_services(), CLUSTER, registry, os.path.join(ROOT, "packer"), sidecar=True)["services"]
    return [image for image in planned if image["name"] == SIDECAR_NAME][0]


@pytest.fixture(scope="module")
def sidecar(proxy_image, tmp_path_factory):
    """The sidecar of the demo's frontend, calling the stand-in for the internal ALB."""
    alb = ThreadingHTTPServer(("127.0.0.1", free_port()), ErringLoadBalancer)
    alb.lock, alb.calls = threading.Lock(), 0
    threading.Thread(target=alb.serve_forever, daemon=True).start()
    listen = free_port()
    services = demo_services()
    for service in services:
        if service["name"] == "backend":
            service["listener_port"] = listen
    frontend = [s for s in services if s["name"] == "frontend"][0]
    endpoints = {"backend": "http://127.0.0.1:%d/" % alb.server_address[1], "frontend": "http://unused:8080/"}
    _app, container = task_containers(frontend, services, "unused", endpoints, proxy_image["ref"], "/unused", "unused")
    run_dir = tmp_path_factory.mktemp("run")
    argv = ["podman", "run", "--detach", "--name", CONTAINER, "--network", "host", "--volume", "%s:/run/retry-proxy" % run_dir,
            # Loopback only on this machine; in a task the proxy listens on its bridge address.
            "--env", "LOADBEARING_RETRY_BIND=127.0.0.1"]
    for pair in container["environment"]:
        argv += ["--env", "%s=%s" % (pair["name"], pair["value"])]
    started = run(argv + [proxy_image["ref"]])
    assert started.returncode == 0, started.stderr
    deadline = time.time() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", listen), timeout=1).close()
            break
        except OSError:
            logs = run(["podman", "logs", CONTAINER])
            assert time.time() < deadline, "the retry proxy did not listen: %s%s" % (logs.stdout, logs.stderr)
            time.sleep(0.2)
    yield {"url": "http://127.0.0.1:%d/" % listen, "alb": alb, "stats": str(run_dir / "retry-policy.sock")}
    run(["podman", "rm", "--force", CONTAINER])
    alb.shutdown()
    alb.server_close()


def counters(sidecar):
    connection = UnixHTTPConnection(sidecar["stats"])
    connection.request("GET", "/")
    return json.loads(connection.getresponse().read())["retry_policies"]["backend"]


def test_the_image_has_the_planned_reference_and_the_shared_program(proxy_image):
    assert run(["podman", "image", "exists", proxy_image["ref"]]).returncode == 0
    shown = run(["podman", "run", "--rm", "--entrypoint", "cat", proxy_image["ref"], "/app/retry_policy.lua"])
    with open(os.path.join(ROOT, "packer", "retry-proxy", "app", "retry_policy.lua")) as handle:
        assert shown.stdout == handle.read()
    version = run(["podman", "run", "--rm", "--entrypoint", "haproxy", proxy_image["ref"], "-vv"]).stdout
    assert "HAProxy version 2.6" in version and "Built with Lua" in version


def test_a_200_error_is_retried_and_counted(sidecar):
    before = counters(sidecar)
    with urllib.request.urlopen(sidecar["url"], timeout=5) as answer:
        assert answer.status == 200
        assert answer.read() != b"ERROR"
    after = counters(sidecar)
    assert after["calls"] - before["calls"] == 1
    assert after["retries"] - before["retries"] == 1
    assert after["failures"]["body"] - before["failures"]["body"] == 1
    assert after["gave_up"] == before["gave_up"]


def test_its_log_carries_its_counters_for_the_throughput_stage(sidecar):
    """The task definition asks for the counters in the log every few seconds: the only place
    the throughput stage can read them from on AWS (CloudWatch Logs, through awslogs)."""
    counted = counters(sidecar)["calls"]
    assert counted >= 1
    deadline = time.time() + 2 * SIDECAR_LOG_EVERY_S + 2
    while True:
        lines = [line for line in run(["podman", "logs", CONTAINER]).stdout.splitlines()
                 if line.startswith(LOG_MARK)]
        logged = parse_stats(lines[-1][len(LOG_MARK):])["backend"]["calls"] if lines else -1
        if logged >= counted:
            break
        assert time.time() < deadline, "no counters with %d calls in the log: %s" % (counted, lines[-3:])
        time.sleep(0.5)


def test_other_methods_reach_the_load_balancer_once(sidecar):
    before, calls_before = counters(sidecar), sidecar["alb"].calls
    request = urllib.request.Request(sidecar["url"], data=b"x", method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200
    assert sidecar["alb"].calls - calls_before == 1
    assert counters(sidecar)["calls"] == before["calls"]


def test_a_policy_without_its_load_balancer_stops_the_proxy_with_the_variable_named(proxy_image):
    stopped = run(["podman", "run", "--rm", "--network", "none", "--env", "LOADBEARING_RETRY_POLICIES=backend",
                   "--env", "LOADBEARING_RETRY_BACKEND_LISTEN=8081", proxy_image["ref"]])
    assert stopped.returncode == 2
    assert "LOADBEARING_RETRY_BACKEND_URL must be the load balancer's http:// URL" in stopped.stderr


def test_an_attempt_timeout_that_is_not_milliseconds_stops_the_proxy_with_the_variable_named(proxy_image):
    stopped = run(["podman", "run", "--rm", "--network", "none", "--env", "LOADBEARING_RETRY_POLICIES=backend",
                   "--env", "LOADBEARING_RETRY_BACKEND_URL=http://internal-alb:80",
                   "--env", "LOADBEARING_RETRY_BACKEND_LISTEN=8081",
                   "--env", "LOADBEARING_RETRY_BACKEND_TIMEOUT_MS=1s", proxy_image["ref"]])
    assert stopped.returncode == 2
    assert "LOADBEARING_RETRY_BACKEND_TIMEOUT_MS must be a whole number of milliseconds, not '1s'" in stopped.stderr
