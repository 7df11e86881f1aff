"""ab -g files recorded from real runs, turned into per-second rows, fault effects and chart series."""
import os

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.apachebench import parse_ab_gnuplot, parse_ab_output
from ansible_collections.loadbearing.ecs.plugins.module_utils.timeline import (
    chart_series, decisions_during, fault_effects, per_second, percentile)

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "ab_gnuplot")
RECORDED = sorted(name[:-4] for name in os.listdir(FIXTURES) if name.endswith(".tsv"))


def recorded(name):
    """The -g file of a real run and ab's own summary of the same run."""
    with open(os.path.join(FIXTURES, name + ".tsv")) as tsv, open(os.path.join(FIXTURES, name + ".txt")) as text:
        return parse_ab_gnuplot(tsv.read()), parse_ab_output(text.read())


@pytest.mark.parametrize("name", RECORDED)
def test_the_g_file_agrees_with_abs_own_summary(name):
    requests, summary = recorded(name)
    # ab records every finished request; receive errors (-r) are finished too, cut off.
    assert len(requests) == summary["complete_requests"]
    totals = [request["total_ms"] for request in requests]
    assert max(totals) == summary["percentiles"]["100"]
    assert percentile(totals, 50) == summary["percentiles"]["50"]
    assert min(totals) == summary["connection_times"]["total"]["min"]


@pytest.mark.parametrize("name", RECORDED)
def test_per_second_rows_cover_the_run_without_gaps(name):
    requests, summary = recorded(name)
    rows = per_second(requests)
    assert [row["second"] for row in rows] == list(range(rows[0]["second"], rows[-1]["second"] + 1))
    assert sum(row["requests"] for row in rows) == summary["complete_requests"]
    assert all(row["p50_ms"] <= row["p99_ms"] for row in rows if row["requests"])


def test_one_frontend_serves_about_ten_requests_a_second():
    requests, _summary = recorded("one_frontend_c4")
    rows = per_second(requests)
    assert requests[0] == {"start_s": 1795926230, "connect_ms": 0, "processing_ms": 103, "total_ms": 103, "waiting_ms": 103}
    assert [row["requests"] for row in rows] == [12, 10, 9, 9]
    assert rows[0]["p99_ms"] == 725


def test_a_second_with_no_request_is_a_row_of_zero():
    rows = per_second([{"start_s": 10, "total_ms": 5}, {"start_s": 12, "total_ms": 7}])
    assert rows == [{"second": 10, "requests": 1, "p50_ms": 5, "p99_ms": 5},
                    {"second": 11, "requests": 0, "p50_ms": None, "p99_ms": None},
                    {"second": 12, "requests": 1, "p50_ms": 7, "p99_ms": 7}]
    assert per_second([]) == []


@pytest.mark.parametrize("text, message", [
    ("", "not an ab -g file"),
    ("Server Software: x\n", "not an ab -g file"),
    ("starttime\tseconds\tctime\tdtime\tttime\twait\nSun Nov 29 04:23:50 2026\t179\t0\tx\t1\t1\n", "line 2 of the ab -g file"),
])
def test_a_file_that_is_not_abs_says_so(text, message):
    with pytest.raises(ValueError, match=message):
        parse_ab_gnuplot(text)


def test_percentile_is_nearest_rank():
    assert percentile(list(range(1, 101)), 99) == 99
    assert percentile([3, 1, 2], 50) == 2
    assert percentile([5], 99) == 5
    assert percentile([], 50) is None


ROWS = [{"second": 100, "requests": 10, "p50_ms": 100, "p99_ms": 120},
        {"second": 101, "requests": 6, "p50_ms": 150, "p99_ms": 900},
        {"second": 102, "requests": 9, "p50_ms": 100, "p99_ms": 200},
        {"second": 103, "requests": 10, "p50_ms": 100, "p99_ms": 110}]
EVENTS = [{"time": 101.4, "service": "frontend", "kind": "kill", "target": "c-frontend-3", "result": "done"},
          {"time": 98.0, "service": "backend", "kind": "restart", "target": "backend", "result": "done"}]


def test_a_fault_is_related_to_the_seconds_after_it():
    effects = fault_effects(EVENTS, ROWS)
    assert effects[0]["offset_s"] == 1.4
    assert effects[0]["requests_in_window"] == 15
    assert effects[0]["worst_p99_ms"] == 900
    assert effects[0]["median_requests_per_second"] == 9
    assert effects[0]["target"] == "c-frontend-3"
    # Before the first request: nothing seen, and said so.
    assert effects[1]["offset_s"] == -2.0
    assert effects[1]["requests_in_window"] == 0 and effects[1]["worst_p99_ms"] is None
    assert fault_effects(EVENTS[:1], [])[0]["offset_s"] is None


def test_chart_series_share_one_time_axis():
    samples = [{"time": 99.5, "copies": {"frontend": 3}},
               {"time": 100.5, "copies": {"frontend": 3, "backend": 1}},
               {"time": 101.5, "copies": {"frontend": 2, "backend": 1}},
               {"time": 110.0, "copies": {"frontend": 3, "backend": 1}}]
    series = chart_series(ROWS, samples, EVENTS)
    assert series["x"] == [0, 1, 2, 3]
    assert series["requests"] == [10, 6, 9, 10]
    assert series["p99_ms"] == [120, 900, 200, 110]
    # Samples outside the requests' seconds are dropped.
    assert series["copies"] == {"frontend": {"x": [0.5, 1.5], "y": [3, 2]}, "backend": {"x": [0.5, 1.5], "y": [1, 1]}}
    assert series["faults"] == [{"x": 1.4, "kind": "kill", "label": "kill c-frontend-3"},
                                {"x": -2.0, "kind": "restart", "label": "restart backend"}]
    assert chart_series([], samples, EVENTS)["x"] == []
    # A fault after the last request's second is left off the chart (the report still lists it).
    late = dict(EVENTS[0], time=105.5)
    assert chart_series(ROWS, [], [late])["faults"] == []
    assert chart_series(ROWS, [], [dict(late, time=104.0)])["faults"][0]["x"] == 4.0


# Decisions as the service controller writes them to decisions.jsonl.
DECISIONS = [
    {"time": 98.0, "service": "frontend", "kind": "deployment", "reason": "revision abc is in service"},
    {"time": 101.2, "service": "frontend", "kind": "scale", "from": 10, "to": 14,
     "reason": "10 -> 14 copies: 587 requests per copy per minute over 5 s, above the target 420"},
    {"time": 103.6, "service": "frontend", "kind": "rollback", "reason": "revision def failed"},
    {"time": 104.5, "service": "frontend", "kind": "scale", "from": 14, "to": 10, "reason": "after the run"},
]


def test_decisions_during_keeps_those_made_while_the_requests_ran():
    during = decisions_during(DECISIONS, ROWS)
    assert [(d["kind"], d["offset_s"]) for d in during] == [("scale", 1.2), ("rollback", 3.6)]
    assert decisions_during(DECISIONS, []) == []
    assert decisions_during([], ROWS) == []


def test_chart_series_mark_the_decisions_on_the_time_axis():
    series = chart_series(ROWS, [], [], DECISIONS)
    assert series["decisions"] == [
        {"x": 1.2, "kind": "scale", "service": "frontend", "label": "frontend 10>14"},
        {"x": 3.6, "kind": "rollback", "service": "frontend", "label": "frontend rollback"},
    ]
    assert chart_series(ROWS, [], [])["decisions"] == []
