"""The sweep's rows from throughput reports, and its Markdown table."""
from ansible_collections.loadbearing.ecs.plugins.module_utils.benchmark_table import (
    describe_plan, markdown_table, table_row)


def report(rps=95.5, concurrency=10, faults_plan=None, faults=None, **ab):
    figures = {"requests_per_second": rps, "failed_connect": 0, "failed_receive": 0, "failed_exceptions": 0,
               "failed_length": 40, "non_2xx_responses": 0, "percentiles": {"50": 104, "99": 140, "100": 400}}
    figures.update(ab)
    return {"apachebench": figures, "parameters": {"concurrency": concurrency},
            "faults_plan": faults_plan or [], "faults": faults or []}


def test_a_row_relates_throughput_to_ten_requests_a_second_per_copy():
    row = table_row(report(), 10, 10)
    assert row == {"copies": 10, "concurrency": 10, "faults": "none", "requests_per_second": 95.5,
                   "ratio_to_limit": 0.955, "failed": 0, "non_2xx": 0, "p50_ms": 104, "p99_ms": 140,
                   "faults_injected": 0}


def test_failed_counts_what_the_client_saw_not_length_changes():
    row = table_row(report(failed_connect=1, failed_receive=2, failed_exceptions=3, failed_length=500,
                           non_2xx_responses=4), 5, 10)
    assert row["failed"] == 6
    assert row["non_2xx"] == 4


def test_faults_are_described_and_only_those_done_are_counted():
    plan = [{"service": "frontend", "kill_every_s": 1}, {"service": "backend", "restart_once_at_s": 5}]
    faults = [{"result": "done"}, {"result": "skipped: no running copy"}, {"result": "done"}]
    row = table_row(report(rps=42.0, faults_plan=plan, faults=faults), 5, 10)
    assert row["faults"] == "kill frontend every 1 s, restart backend at 5 s"
    assert row["faults_injected"] == 2
    assert row["ratio_to_limit"] == 0.84


def test_the_ratio_counts_good_answers_only():
    # One copy killed every second: HAProxy answers 503 at once while it is out, and ab's req/s
    # counts those answers too.
    row = table_row(report(rps=16.38, time_taken_s=50.0, attempted_requests=819, client_visible_errors=66,
                           non_2xx_responses=66), 1, 10)
    assert row["requests_per_second"] == 16.38
    assert row["ratio_to_limit"] == round((819 - 66) / 50.0 / 10, 3)


def test_describe_plan():
    assert describe_plan(None) == "none"
    assert describe_plan([{"service": "frontend", "kill_every_s": 0.5}]) == "kill frontend every 0.5 s"


def test_markdown_table_has_a_header_and_a_line_per_row():
    rows = [table_row(report(), 10, 10), dict(table_row(report(), 1, 10), p99_ms=None)]
    lines = markdown_table(rows).splitlines()
    assert lines[0].startswith("| frontend copies | ab -c | faults | req/s | ratio to limit |")
    assert lines[1] == "|---|---|---|---|---|---|---|---|---|---|"
    assert lines[2] == "| 10 | 10 | none | 95.5 | 0.955 | 0 | 0 | 104 | 140 | 0 |"
    assert lines[3].endswith("| 104 | - | 0 |")
