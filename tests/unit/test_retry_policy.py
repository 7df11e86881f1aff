"""The retry policy's checks, the proxy's environment, haproxy.cfg quoting and the counters' parser."""
import json
import socket
import subprocess
import time
import urllib.request

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.retry_policy import (
    DEFAULTS, haproxy_quote, parse_stats, policies_environment, policy_problems, retried_callees, retry_proxy_needed,
    sidecar_counters_delta, sidecar_stream_prefixes, stats_delta, task_containers, with_defaults)

BACKEND = {"name": "backend", "retry_policy": {"on_body": "^ERROR$", "on_statuses": [500, 503]}}
PLAIN = {"name": "frontend"}


def test_defaults_fill_what_the_policy_leaves_out():
    policy = with_defaults({"attempts": 2, "on_timeout": None})
    assert policy["attempts"] == 2
    assert policy["on_timeout"] is True
    assert policy["budget_percent"] == 20
    assert with_defaults(None) == DEFAULTS


@pytest.mark.parametrize("policy, expected", [
    ({"attempts": 0}, "retry_policy.attempts must be a whole number from 1 to 5"),
    ({"attempts": True}, "retry_policy.attempts must be a whole number"),
    ({"attempt_timeout_ms": "1s"}, "retry_policy.attempt_timeout_ms must be a whole number from 10 to 60000"),
    ({"budget_percent": 101}, "retry_policy.budget_percent must be a whole number from 0 to 100"),
    ({"on_timeout": "yes"}, "retry_policy.on_timeout must be true or false"),
    ({"on_statuses": [503, 700]}, "retry_policy.on_statuses must be a list of HTTP statuses"),
    ({"on_statuses": "503"}, "retry_policy.on_statuses must be a list of HTTP statuses"),
    ({"on_body": "(unclosed"}, "retry_policy.on_body is not a valid regular expression"),
    ({"retries": 3}, "retry_policy has no field retries"),
])
def test_policy_problems_name_the_field_and_the_rule(policy, expected):
    problems = policy_problems({"name": "backend", "retry_policy": policy})
    assert len(problems) == 1
    assert problems[0].startswith("backend: ")
    assert expected in problems[0]


def test_no_problems_for_a_good_policy_or_none():
    assert policy_problems(BACKEND) == []
    assert policy_problems(PLAIN) == []
    assert policy_problems({"name": "x", "retry_policy": "often"}) == ["x: retry_policy must be a mapping"]


def test_local_environment_points_attempts_at_the_copies_socket():
    env = policies_environment([BACKEND, PLAIN], socket_dir="/var/lib/x/haproxy/")
    assert env["LOADBEARING_RETRY_POLICIES"] == "backend"
    assert env["LOADBEARING_RETRY_BACKEND_URL"] == "http://backend"
    assert env["LOADBEARING_RETRY_BACKEND_DST"] == "unix@/var/lib/x/haproxy/backend-attempts.sock"
    assert env["LOADBEARING_RETRY_BACKEND_ON_STATUSES"] == "500 503"
    assert env["LOADBEARING_RETRY_BACKEND_ON_BODY"] == "^ERROR$"
    assert env["LOADBEARING_RETRY_BACKEND_ATTEMPTS"] == "3"
    assert env["LOADBEARING_RETRY_BACKEND_ON_TIMEOUT"] == "1"
    assert not any(name.startswith("LOADBEARING_RETRY_FRONTEND") for name in env)
    assert all(isinstance(value, str) and value for value in env.values())
    plain_body = policies_environment([{"name": "b", "retry_policy": {"on_statuses": []}}], socket_dir="/s")
    assert "LOADBEARING_RETRY_B_ON_BODY" not in plain_body
    assert "LOADBEARING_RETRY_B_ON_STATUSES" not in plain_body


def test_sidecar_environment_calls_the_url_and_names_dashes_with_underscores():
    service = {"name": "user-db", "retry_policy": {"on_connect_failure": False}}
    env = policies_environment([service], urls={"user-db": "http://internal-alb:8081/"})
    assert env["LOADBEARING_RETRY_USER_DB_URL"] == "http://internal-alb:8081"
    assert env["LOADBEARING_RETRY_USER_DB_ON_CONNECT_FAILURE"] == "0"
    assert "LOADBEARING_RETRY_USER_DB_DST" not in env
    with pytest.raises(ValueError, match="no upstream URL for service user-db"):
        policies_environment([service], urls={})


@pytest.mark.parametrize("value", ["^ERROR$", "a b", "it's", "${HOME}", 'x"y\\z'])
def test_haproxy_reads_a_quoted_value_back_unchanged(tmp_path, value):
    """A real HAProxy sets the variable from the quoted word and answers with it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "haproxy.cfg"
    config.write_text("global\n    setenv PROBE %s\n" % haproxy_quote(value)
                      + "defaults\n    mode http\n    timeout client 1s\n    timeout server 1s\n    timeout connect 1s\n"
                      + "frontend f\n    bind 127.0.0.1:%d\n" % port
                      + "    http-request return status 200 content-type text/plain lf-string \"[%[env(PROBE)]]\"\n")
    proxy = subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = None
        for _attempt in range(50):
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=2) as answer:
                    body = answer.read().decode()
                break
            except OSError:
                time.sleep(0.05)
        assert body == "[%s]" % value
    finally:
        proxy.kill()
        proxy.wait()


def test_parse_stats_fills_every_counter_and_the_retry_share():
    text = json.dumps({"retry_policies": {
        "backend": {"calls": 200, "attempts": 205, "retries": 5, "budget_exhausted": 0, "gave_up": 0,
                    "failures": {"body": 5}, "budget_tokens": 9.5},
        "idle": {},
    }})
    stats = parse_stats(text)
    assert stats["backend"]["retries"] == 5
    assert stats["backend"]["failures"] == {"connect_failure": 0, "timeout": 0, "status": 0, "body": 5}
    assert stats["backend"]["retry_share"] == 0.025
    assert stats["idle"]["retry_share"] == 0.0
    assert stats["idle"]["calls"] == 0


@pytest.mark.parametrize("text", ["<html>503</html>", "{}", "[]"])
def test_parse_stats_rejects_other_answers(text):
    with pytest.raises(ValueError, match="not the retry policy's counters"):
        parse_stats(text)


SERVICE_LIST = [
    {"name": "backend", "port": 8000, "listener_port": 8081,
     "retry_policy": {"on_body": "^ERROR$", "on_statuses": [500, 502, 503, 504]}},
    {"name": "auth", "port": 8000, "listener_port": 8082},
    {"name": "frontend", "port": 8000, "listener_port": 8080, "environment": {"MODE": "demo"},
     "endpoints": {"BACKEND_URL": "backend", "AUTH_URL": "auth"}},
]
ENDPOINTS = {"backend": "http://internal-alb:8081/", "auth": "http://internal-alb:8082/",
             "frontend": "http://public-alb:8080/"}


def containers_of(name):
    service = next(entry for entry in SERVICE_LIST if entry["name"] == name)
    return task_containers(service, SERVICE_LIST, "repo/%s:1" % name, ENDPOINTS, "repo/retry-proxy:1",
                           "/loadbearing/demo", "eu-west-1", 128)


def test_a_caller_of_a_service_with_a_policy_gets_the_proxy_as_sidecar():
    app, sidecar = containers_of("frontend")
    env = dict((pair["name"], pair["value"]) for pair in app["environment"])
    assert env == {"MODE": "demo", "PORT": "8000", "BACKEND_URL": "http://retry-proxy:8081/",
                   "AUTH_URL": "http://internal-alb:8082/"}
    assert app["links"] == ["retry-proxy"]
    assert app["portMappings"] == [{"containerPort": 8000, "hostPort": 0, "protocol": "tcp"}]
    assert sidecar["name"] == "retry-proxy" and sidecar["image"] == "repo/retry-proxy:1"
    assert sidecar["essential"] is True
    proxy_env = dict((pair["name"], pair["value"]) for pair in sidecar["environment"])
    assert proxy_env["LOADBEARING_RETRY_POLICIES"] == "backend"
    assert proxy_env["LOADBEARING_RETRY_BACKEND_URL"] == "http://internal-alb:8081"
    assert proxy_env["LOADBEARING_RETRY_BACKEND_LISTEN"] == "8081"
    # Its counters go to its log, where the throughput stage reads them.
    assert proxy_env["LOADBEARING_RETRY_LOG_EVERY_S"] == "5"
    assert proxy_env["LOADBEARING_RETRY_BACKEND_ON_BODY"] == "^ERROR$"
    assert "LOADBEARING_RETRY_AUTH_URL" not in proxy_env
    assert sidecar["logConfiguration"]["options"]["awslogs-stream-prefix"] == "frontend-retry-proxy"


def test_a_service_calling_nothing_with_a_policy_runs_alone():
    (app,) = containers_of("backend")
    assert "links" not in app
    assert app["logConfiguration"]["options"] == {"awslogs-group": "/loadbearing/demo", "awslogs-region": "eu-west-1",
                                                  "awslogs-stream-prefix": "backend"}


def test_a_caller_without_an_image_of_the_proxy_is_refused_with_what_to_do():
    frontend = next(entry for entry in SERVICE_LIST if entry["name"] == "frontend")
    with pytest.raises(ValueError, match="no image of the retry proxy.*run the artifacts stage"):
        task_containers(frontend, SERVICE_LIST, "repo/frontend:1", ENDPOINTS, "", "/loadbearing/demo", "eu-west-1")
    backend = next(entry for entry in SERVICE_LIST if entry["name"] == "backend")
    assert len(task_containers(backend, SERVICE_LIST, "repo/backend:1", ENDPOINTS, "", "/loadbearing/demo", "eu-west-1")) == 1


def test_the_retry_proxy_is_needed_when_a_service_calls_one_with_a_policy():
    assert retry_proxy_needed(SERVICE_LIST)
    assert not retry_proxy_needed([entry for entry in SERVICE_LIST if entry["name"] != "frontend"])
    # The frontend calls backend (a policy) and auth (none): only backend goes through the proxy.
    assert [entry["name"] for entry in retried_callees(SERVICE_LIST[2], SERVICE_LIST)] == ["backend"]


def counters_text(**services):
    """The proxy's JSON with the given counters (calls, attempts, retries, body failures) by service."""
    body = ",".join(
        '"%s":{"calls":%d,"attempts":%d,"retries":%d,"budget_exhausted":0,"gave_up":0,'
        '"failures":{"connect_failure":0,"timeout":0,"status":0,"body":%d},"budget_tokens":10.000}'
        % (name, calls, attempts, retries, body) for name, (calls, attempts, retries, body) in services.items())
    return '{"retry_policies":{%s}}\n' % body


def test_stats_delta_is_what_happened_between_two_readings():
    delta = stats_delta(counters_text(backend=(100, 102, 2, 2)), counters_text(backend=(1600, 1633, 33, 31)))
    assert delta == {"backend": {"calls": 1500, "attempts": 1531, "retries": 31, "budget_exhausted": 0,
                                 "gave_up": 0, "retry_share": 0.0207,
                                 "failures": {"connect_failure": 0, "timeout": 0, "status": 0, "body": 29}}}


@pytest.mark.parametrize("before, after", [
    # HAProxy restarted during the run: the counters started again from zero.
    (counters_text(backend=(1600, 1633, 33, 31)), counters_text(backend=(40, 41, 1, 1))),
    # A policy the first reading did not have: added by a reload in between.
    (counters_text(), counters_text(backend=(40, 41, 1, 1))),
])
def test_stats_delta_of_a_reset_policy_is_unknown(before, after):
    assert stats_delta(before, after) == {"backend": None}


@pytest.mark.parametrize("before, after", [("", counters_text(backend=(1, 1, 0, 0))),
                                           (counters_text(backend=(1, 1, 0, 0)), ""),
                                           ("<html>503</html>", counters_text(backend=(1, 1, 0, 0)))])
def test_stats_delta_without_two_readings_is_none(before, after):
    assert stats_delta(before, after) is None


def logged(stream, at_s, calls, attempts, retries, body):
    """A log event as a sidecar writes it, at at_s seconds (CloudWatch Logs counts in ms)."""
    return {"logStreamName": stream, "timestamp": int(at_s * 1000),
            "message": "retry-policy counters " + counters_text(backend=(calls, attempts, retries, body)).strip()}


TASK_A, TASK_B, TASK_C = ("frontend-retry-proxy/retry-proxy/%s" % task for task in ("a1", "b2", "c3"))


@pytest.mark.parametrize("events, expected", [
    # One task: from its last reading before the run to its first after.
    ([logged(TASK_A, 95, 10, 10, 0, 0), logged(TASK_A, 100, 12, 12, 0, 0), logged(TASK_A, 105, 60, 62, 2, 2),
      logged(TASK_A, 110, 120, 123, 3, 3), logged(TASK_A, 115, 121, 124, 3, 3)],
     {"tasks": 1, "complete": True, "calls": 108, "attempts": 111, "retries": 3, "body": 3}),
    # A task started during the run counts from zero; two tasks add up.
    ([logged(TASK_A, 100, 12, 12, 0, 0), logged(TASK_A, 110, 120, 123, 3, 3),
      logged(TASK_B, 104, 5, 5, 0, 0), logged(TASK_B, 111, 40, 41, 1, 1)],
     {"tasks": 2, "complete": True, "calls": 148, "attempts": 152, "retries": 4, "body": 4}),
    # A task stopped during the run: its last reading, and the sum is a lower bound.
    ([logged(TASK_A, 100, 12, 12, 0, 0), logged(TASK_A, 110, 120, 123, 3, 3),
      logged(TASK_C, 100, 7, 7, 0, 0), logged(TASK_C, 105, 30, 31, 1, 1)],
     {"tasks": 2, "complete": False, "calls": 131, "attempts": 135, "retries": 4, "body": 4}),
])
def test_sidecar_counters_delta_sums_each_tasks_run(events, expected):
    # The run went from 101 s to 109 s.
    delta = sidecar_counters_delta(events + [{"logStreamName": TASK_A, "timestamp": 103000, "message": "started"}],
                                   101000, 109000)
    backend = delta["services"]["backend"]
    assert (delta["tasks"], delta["complete"]) == (expected["tasks"], expected["complete"])
    assert (backend["calls"], backend["attempts"], backend["retries"], backend["failures"]["body"]) == (
        expected["calls"], expected["attempts"], expected["retries"], expected["body"])
    assert backend["retry_share"] == round(expected["retries"] / float(expected["calls"]), 4)


def test_sidecar_counters_delta_without_readings_during_the_run_is_none():
    assert sidecar_counters_delta([], 101000, 109000) is None
    assert sidecar_counters_delta([logged(TASK_A, 95, 10, 10, 0, 0)], 101000, 109000) is None


def test_sidecar_stream_prefixes_are_those_of_the_callers_task_definitions():
    services = [dict(BACKEND, listener_port=8081),
                {"name": "frontend", "port": 8000, "endpoints": {"BACKEND_URL": "backend"}}]
    assert sidecar_stream_prefixes(services) == ["frontend-retry-proxy/"]
    _app, sidecar = task_containers(services[1], services, "repo/frontend:1", {"backend": "http://alb:8081/"},
                                    "repo/retry-proxy:1", "/loadbearing/demo", "us-east-1")
    prefix = sidecar["logConfiguration"]["options"]["awslogs-stream-prefix"]
    assert sidecar_stream_prefixes(services) == [prefix + "/"]
    assert sidecar_stream_prefixes([BACKEND, PLAIN]) == []


def test_a_services_stop_timeout_is_its_containers_on_ecs():
    service = dict(SERVICE_LIST[1], stop_timeout_s=12)
    app = task_containers(service, SERVICE_LIST, "repo/auth:1", ENDPOINTS, "", "/loadbearing/demo", "eu-west-1")[0]
    assert app["stopTimeout"] == 12
    assert "stopTimeout" not in containers_of("auth")[0]
