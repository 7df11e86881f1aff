"""The retry policy, end to end: the loadbalancer role's HAProxy and Lua in front of real HTTP servers.

Each upstream is a real server on the port the role gives a service's only copy; it answers from a
script (a good answer, the backend's 200 ERROR, a status, a slow answer, a dropped connection, an
answer cut short by a copy that dies while sending it), so
every failure class and the budget are exercised through the same listener the frontends call.
"""
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from conftest import PLAN_TASK, UnixHTTPConnection

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(os.path.realpath(os.environ.get("ANSIBLE_PLAYBOOK", os.path.join(ROOT, ".venv", "bin", "ansible-playbook"))))
CLUSTER = "rptest"
PORT_BASE = 23500
SLOW_S = 0.6
LARGE_BODY = b"0123456789" * 10000
HEALTH = {"path": "/health", "interval_s": 5, "timeout_s": 2, "healthy_threshold": 2, "unhealthy_threshold": 2}
SERVICES = [
    {"name": "classes", "public": True, "listener_port": 8282,
     "retry_policy": {"attempts": 3, "attempt_timeout_ms": 300, "on_statuses": [503], "on_body": "^ERROR$"}},
    {"name": "budget", "listener_port": 8283,
     "retry_policy": {"attempts": 3, "on_body": "^ERROR$", "budget_percent": 20, "budget_burst": 2}},
    {"name": "gone", "listener_port": 8284, "retry_policy": {"attempts": 2}},
    {"name": "lenient", "listener_port": 8285,
     "retry_policy": {"attempts": 3, "attempt_timeout_ms": 300, "on_timeout": False, "on_statuses": []}},
]
# Only the load balancer runs: the copies are this test's servers, and no image is built (the plan
# still checks that each source is a directory of the collection's packer/services/).
for _position, _service in enumerate(SERVICES):
    _service.update(source="backend", command="-", port=8000, desired_count=1, health_check=HEALTH)
    _service.setdefault("public", False)


class ScriptedHandler(BaseHTTPRequestHandler):
    """Answers each request with the next step of its server's script, then with `then`."""

    def do_GET(self):  # noqa: N802 (http.server naming)
        if self.path == HEALTH["path"]:
            return self.answer(200, b"healthy")
        server = self.server
        with server.lock:
            step = server.script.pop(0) if server.script else server.then
            server.hits += 1
        if step == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        if step == "cut":
            # Headers, then part of the body, then the connection closes: a copy killed mid-answer.
            self.send_response(200)
            self.send_header("Content-Length", "24")
            self.end_headers()
            self.wfile.write(b"2026-11")
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        if step == "slow":
            time.sleep(SLOW_S)
            return self.answer(200, b"late")
        if step == "error":
            return self.answer(200, b"ERROR")
        if step == "large":
            # More than HAProxy's buffer holds: the policy sees its start, never the whole of it.
            return self.answer(200, LARGE_BODY)
        if step.isdigit():
            return self.answer(int(step), step.encode())
        return self.answer(200, b"fine")

    def do_POST(self):  # noqa: N802 (http.server naming)
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_upstream(port):
    server = ThreadingHTTPServer(("127.0.0.1", port), ScriptedHandler)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.script, server.then, server.hits = [], "ok", 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_loadbalancer(tmp_dir, state):
    variables = {"ecs_cluster_name": CLUSTER, "ecs_platform": "local", "ecs_local_port_base": PORT_BASE,
                 "ecs_state_dir": os.path.join(tmp_dir, "state"), "ecs_services": SERVICES,
                 "loadbalancer_state": state}
    vars_file = os.path.join(tmp_dir, "vars.yml")
    playbook = os.path.join(tmp_dir, "loadbalancer.yml")
    with open(vars_file, "w") as handle:
        yaml.safe_dump(variables, handle)
    with open(playbook, "w") as handle:
        yaml.safe_dump([{"name": "The load balancer alone", "hosts": "localhost", "gather_facts": False,
                         "pre_tasks": [PLAN_TASK], "roles": ["loadbearing.ecs.loadbalancer"]}], handle)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOME=os.path.join(tmp_dir, "ansible-home"))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), playbook, "-e", "@" + vars_file], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def admin(haproxy_dir, command):
    """One command to HAProxy's runtime API."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(os.path.join(haproxy_dir, "admin.sock"))
    connection.sendall((command + "\n").encode())
    answer = connection.makefile().read()
    connection.close()
    return answer


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    tmp_dir = str(tmp_path_factory.mktemp("retry"))
    upstreams = {service["name"]: start_upstream(PORT_BASE + 100 * position)
                 for position, service in enumerate(SERVICES) if service["name"] != "gone"}
    run_loadbalancer(tmp_dir, "present")
    haproxy_dir = os.path.join(tmp_dir, "state", "haproxy")
    # Every slot starts out of service; the service controller puts a copy's slot in service
    # once it is healthy. Here the scripted upstreams are the copies, on each service's slot 0.
    for service in SERVICES:
        answer = admin(haproxy_dir, "set server %s/%s-%s-0 state ready" % (service["name"], CLUSTER, service["name"]))
        assert answer.strip() == "", answer
    yield {"upstreams": upstreams, "dir": haproxy_dir}
    run_loadbalancer(tmp_dir, "absent")
    for server in upstreams.values():
        server.shutdown()


def stats(proxy):
    connection = UnixHTTPConnection(os.path.join(proxy["dir"], "retry-policy.sock"))
    connection.request("GET", "/")
    document = json.loads(connection.getresponse().read())
    connection.close()
    return document["retry_policies"]


def call(service_name, method="GET", body=None):
    port = next(service["listener_port"] for service in SERVICES if service["name"] == service_name)
    request = urllib.request.Request("http://127.0.0.1:%d/work" % port, data=body, method=method)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - started


def scripted(proxy, name, steps, then="ok"):
    upstream = proxy["upstreams"][name]
    with upstream.lock:
        upstream.script, upstream.then, upstream.hits = list(steps), then, 0
    return upstream


def delta(before, after, name):
    changed = {key: after[name][key] - before[name][key]
               for key in ("calls", "attempts", "retries", "budget_exhausted", "gave_up")}
    changed["failures"] = dict((cls, after[name]["failures"][cls] - before[name]["failures"][cls])
                               for cls in after[name]["failures"])
    return changed


@pytest.mark.parametrize("steps, failure_class", [
    (["error", "error"], "body"),
    (["503"], "status"),
    (["slow"], "timeout"),
    (["drop"], "connect_failure"),
    (["cut"], "connect_failure"),
])
def test_each_failure_class_is_retried_until_a_good_answer(proxy, steps, failure_class):
    upstream = scripted(proxy, "classes", steps)
    before = stats(proxy)
    status, body, _elapsed = call("classes")
    counted = delta(before, stats(proxy), "classes")
    assert (status, body) == (200, b"fine")
    assert upstream.hits == len(steps) + 1
    assert counted["calls"] == 1
    assert counted["attempts"] == len(steps) + 1
    assert counted["retries"] == len(steps)
    assert counted["failures"][failure_class] == len(steps)
    assert counted["gave_up"] == 0


def test_the_attempt_timeout_cuts_a_slow_answer(proxy):
    scripted(proxy, "classes", ["slow"])
    _status, body, elapsed = call("classes")
    assert body == b"fine"
    assert elapsed < SLOW_S, "the retry waited for the slow attempt instead of cutting it at 300 ms"


def test_after_the_last_attempt_the_caller_gets_the_last_answer(proxy):
    upstream = scripted(proxy, "classes", [], then="error")
    before = stats(proxy)
    status, body, _elapsed = call("classes")
    counted = delta(before, stats(proxy), "classes")
    assert (status, body) == (200, b"ERROR")
    assert upstream.hits == 3
    assert counted["gave_up"] == 1


def test_an_answer_larger_than_the_buffer_is_passed_on_whole_once(proxy):
    upstream = scripted(proxy, "classes", ["large"])
    before = stats(proxy)
    status, body, _elapsed = call("classes")
    counted = delta(before, stats(proxy), "classes")
    assert (status, len(body)) == (200, len(LARGE_BODY))
    assert body == LARGE_BODY
    assert upstream.hits == 1
    assert counted["retries"] == 0 and counted["gave_up"] == 0


def test_an_answer_cut_short_every_time_is_a_502_not_a_short_200(proxy):
    upstream = scripted(proxy, "classes", [], then="cut")
    before = stats(proxy)
    status, _body, _elapsed = call("classes")
    counted = delta(before, stats(proxy), "classes")
    assert status == 502
    assert upstream.hits == 3
    assert counted["failures"]["connect_failure"] == 3
    assert counted["gave_up"] == 1


@pytest.mark.parametrize("steps, expected", [(["500"], (500, b"500")), (["slow"], (504, None))])
def test_failures_outside_the_policy_are_not_retried(proxy, steps, expected):
    upstream = scripted(proxy, "lenient", steps)
    before = stats(proxy)
    status, body, _elapsed = call("lenient")
    counted = delta(before, stats(proxy), "lenient")
    assert status == expected[0]
    if expected[1] is not None:
        assert body == expected[1]
    assert upstream.hits == 1
    assert counted["retries"] == 0


def test_calls_that_are_not_idempotent_go_once(proxy):
    upstream = scripted(proxy, "classes", ["error"])
    before = stats(proxy)
    status, body, _elapsed = call("classes", method="POST", body=b"order")
    assert (status, body) == (200, b"ERROR")
    assert upstream.hits == 1
    assert delta(before, stats(proxy), "classes")["calls"] == 0


def test_no_copy_listening_is_a_connect_failure_retried_then_503(proxy):
    before = stats(proxy)
    status, _body, _elapsed = call("gone")
    counted = delta(before, stats(proxy), "gone")
    assert status == 503
    assert counted["attempts"] == 2
    assert counted["failures"]["connect_failure"] == 2
    assert counted["gave_up"] == 1


def test_the_budget_caps_retries_at_its_share_plus_the_burst(proxy):
    scripted(proxy, "budget", [], then="error")
    before = stats(proxy)
    calls = 30
    for _call in range(calls):
        call("budget")
    counted = delta(before, stats(proxy), "budget")
    # 20% of 30 calls plus a burst of 2: without the budget, 2 retries each would make 60.
    assert counted["calls"] == calls
    assert counted["retries"] <= 0.2 * calls + 2
    assert counted["retries"] >= 0.2 * calls - 1
    assert counted["budget_exhausted"] > 0
    assert counted["attempts"] == calls + counted["retries"]
