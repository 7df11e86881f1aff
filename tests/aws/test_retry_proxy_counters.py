"""loadbearing.ecs.retry_proxy_counters_info: the sidecars' counters, read back from CloudWatch Logs.

On AWS each task's retry proxy writes its counters to its log every few seconds
(LOADBEARING_RETRY_LOG_EVERY_S; tests/integration/test_retry_proxy_sidecar.py checks the real
image does). Here such lines are put into the emulator's CloudWatch Logs as awslogs would, for
tasks that ran through a run, started during it and stopped during it.
"""
import time

import pytest

GROUP = "/loadbearing/counters"
PREFIX = "frontend-retry-proxy"


def counters(calls, attempts, retries, body):
    return ('retry-policy counters {"retry_policies":{"backend":{"calls":%d,"attempts":%d,"retries":%d,'
            '"budget_exhausted":0,"gave_up":0,"failures":{"connect_failure":0,"timeout":0,"status":0,"body":%d},'
            '"budget_tokens":10.000}}}' % (calls, attempts, retries, body))


@pytest.fixture
def logs(emulator):
    emulator.reset()
    client = emulator.client("logs")
    client.create_log_group(logGroupName=GROUP)
    return client


def put(logs, stream, readings):
    logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    logs.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=[
        {"timestamp": int(at * 1000), "message": message} for at, message in readings])


def test_the_tasks_counters_add_up_over_the_run(emulator, logs):
    end = time.time() - 30
    start = end - 20
    put(logs, PREFIX + "/retry-proxy/through", [
        (start - 3, counters(10, 10, 0, 0)), (start + 10, counters(60, 61, 1, 1)),
        (end + 2, counters(120, 123, 3, 3)), (end + 7, counters(121, 124, 3, 3))])
    put(logs, PREFIX + "/retry-proxy/started", [(start + 5, counters(5, 5, 0, 0)), (end + 3, counters(40, 41, 1, 1))])
    put(logs, PREFIX + "/retry-proxy/stopped", [(start - 2, counters(7, 7, 0, 0)), (start + 10, counters(30, 31, 1, 1))])
    # Another container's log, and a line that is not counters: not read.
    put(logs, "frontend/frontend/through", [(start + 1, counters(999, 999, 9, 9))])
    put(logs, PREFIX + "/retry-proxy/noise", [(start + 1, "[NOTICE] haproxy started")])

    started = time.time()
    result = emulator.module("loadbearing.ecs.retry_proxy_counters_info", log_group=GROUP,
                             stream_prefixes=[PREFIX + "/"], start=start, end=end, wait_s=20).result()
    # A reading a whole period after the end is there: no waiting for the stopped task.
    assert time.time() - started < 15
    backend = result["retry_policies"]["backend"]
    assert backend["calls"] == (120 - 10) + 40 + (30 - 7)
    assert backend["attempts"] == (123 - 10) + 41 + (31 - 7)
    assert backend["retries"] == backend["failures"]["body"] == 3 + 1 + 1
    assert (result["tasks"], result["complete"]) == (3, False)


def test_no_log_group_is_no_figure_not_a_failure(emulator, logs):
    result = emulator.module("loadbearing.ecs.retry_proxy_counters_info", log_group="/loadbearing/none",
                             stream_prefixes=[PREFIX + "/"], start=1000.0, end=1010.0, wait_s=0).result()
    assert result["retry_policies"] is None and result["tasks"] == 0
