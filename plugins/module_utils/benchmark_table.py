# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One row of the benchmark sweep from a throughput report, and the sweep as a Markdown table.

Standard library only, so it is testable alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

COLUMNS = (
    ("copies", "frontend copies"),
    ("concurrency", "ab -c"),
    ("faults", "faults"),
    ("requests_per_second", "req/s"),
    ("ratio_to_limit", "ratio to limit"),
    ("failed", "failed"),
    ("non_2xx", "non-2xx"),
    ("p50_ms", "p50 (ms)"),
    ("p99_ms", "p99 (ms)"),
    ("faults_injected", "faults injected"),
)


def describe_plan(plan):
    """A fault plan in a few words: 'kill frontend every 1 s, restart backend at 5 s'."""
    if not plan:
        return "none"
    words = []
    for fault in plan:
        if fault.get("kill_every_s"):
            words.append("kill %s every %g s" % (fault["service"], fault["kill_every_s"]))
        if fault.get("restart_once_at_s"):
            words.append("restart %s at %g s" % (fault["service"], fault["restart_once_at_s"]))
    return ", ".join(words)


def good_per_second(ab):
    """Answers per second that were neither failed nor non-2xx; ab's req/s when it cannot tell."""
    seconds, attempted = ab.get("time_taken_s"), ab.get("attempted_requests")
    if not seconds or attempted is None or ab.get("client_visible_errors") is None:
        return ab["requests_per_second"]
    return max(attempted - ab["client_visible_errors"], 0) / float(seconds)


def table_row(report, copies, limit_per_copy):
    """The sweep's figures of one throughput report (report.json) with copies frontends.

    The limit is limit_per_copy requests per second for each copy the service list asks for:
    a copy killed by a fault counts, since the point is to see what the fault costs.
    failed is what a client saw fail at the socket (connect, receive, exceptions); non-2xx are
    answers with an error status. ab's own "Failed requests" also counts length changes,
    which are not errors.
    The ratio counts good answers only: a load balancer answering 503 at once, with no copy
    left, is fast, and ab's req/s counts those answers too.
    """
    ab = report["apachebench"]
    limit = float(limit_per_copy * copies)
    return {
        "copies": copies,
        "concurrency": report["parameters"]["concurrency"],
        "faults": describe_plan(report.get("faults_plan")),
        "requests_per_second": ab["requests_per_second"],
        "ratio_to_limit": round(good_per_second(ab) / limit, 3) if limit else None,
        "failed": ab["failed_connect"] + ab["failed_receive"] + ab["failed_exceptions"],
        "non_2xx": ab["non_2xx_responses"],
        "p50_ms": ab["percentiles"].get("50"),
        "p99_ms": ab["percentiles"].get("99"),
        "faults_injected": len([fault for fault in report.get("faults", []) if fault.get("result") == "done"]),
    }


def markdown_table(rows):
    """The rows as a Markdown table, in COLUMNS order; '-' for a missing figure."""
    lines = ["| " + " | ".join(title for _key, title in COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    for row in rows:
        cells = ["-" if row.get(key) is None else str(row[key]) for key, _title in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
