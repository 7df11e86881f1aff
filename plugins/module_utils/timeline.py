# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A benchmark run over time: per-second figures, the effect of each fault, chart series.

Inputs are plain data: requests from parse_ab_gnuplot, copy samples and fault events from
run_faults. Standard library only, so it is testable alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math


def percentile(values, share):
    """Nearest-rank percentile (share in 0..100) of values; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(int(math.ceil(share / 100.0 * len(ordered))), 1)
    return ordered[rank - 1]


def per_second(requests):
    """One row per second from the first request's start to the last one's, gaps included.

    ab -g records each request's start second, so a row counts the requests that started in
    that second (they finished, since ab records only finished ones) and their latencies.
    """
    if not requests:
        return []
    by_second = {}
    for request in requests:
        by_second.setdefault(request["start_s"], []).append(request["total_ms"])
    first, last = min(by_second), max(by_second)
    rows = []
    for second in range(first, last + 1):
        totals = by_second.get(second, [])
        rows.append({"second": second, "requests": len(totals),
                     "p50_ms": percentile(totals, 50), "p99_ms": percentile(totals, 99)})
    return rows


def fault_effects(events, rows, window_s=2):
    """Each fault with what the client saw in the window_s seconds that started with it.

    Adds the requests started in that window, their highest p99 and the run's median
    requests per second, to compare with.
    """
    rows = rows or []
    counts = sorted(row["requests"] for row in rows)
    typical = percentile(counts, 50) if counts else None
    effects = []
    for event in events:
        first = int(math.floor(event["time"]))
        window = [row for row in rows if first <= row["second"] < first + window_s]
        p99s = [row["p99_ms"] for row in window if row["p99_ms"] is not None]
        effect = dict(event)
        effect.update({
            "offset_s": round(event["time"] - rows[0]["second"], 1) if rows else None,
            "requests_in_window": sum(row["requests"] for row in window),
            "window_s": window_s,
            "worst_p99_ms": max(p99s) if p99s else None,
            "median_requests_per_second": typical,
        })
        effects.append(effect)
    return effects


def decisions_during(decisions, rows):
    """The service controller's decisions made while the requests ran, with their offset."""
    if not rows:
        return []
    origin, end = rows[0]["second"], rows[-1]["second"] + 1
    return [dict(d, offset_s=round(d["time"] - origin, 1)) for d in decisions or [] if origin <= d["time"] <= end]


def chart_series(rows, samples, events, decisions=None):
    """The series a chart draws, with x in seconds since the first request's start second.

    Copies are sampled by the fault runner, which starts before ab and stops after it: samples
    outside the requests' seconds are dropped, and so are faults after them (the report's
    table still lists those); a fault before the first request keeps its negative offset.
    The service controller's decisions during the requests are marked too.
    """
    if not rows:
        return {"x": [], "requests": [], "p50_ms": [], "p99_ms": [], "copies": {}, "faults": [], "decisions": []}
    origin = rows[0]["second"]
    last = rows[-1]["second"] + 1 - origin
    copies = {}
    for sample in samples:
        offset = round(sample["time"] - origin, 3)
        if offset < 0 or offset > last:
            continue
        for service, count in sorted(sample["copies"].items()):
            series = copies.setdefault(service, {"x": [], "y": []})
            series["x"].append(offset)
            series["y"].append(count)
    faults = [{"x": round(event["time"] - origin, 3), "kind": event["kind"],
               "label": "%s %s" % (event["kind"], event.get("target") or event["service"])}
              for event in events if event["time"] - origin <= last]
    return {
        "x": [row["second"] - origin for row in rows],
        "requests": [row["requests"] for row in rows],
        "p50_ms": [row["p50_ms"] for row in rows],
        "p99_ms": [row["p99_ms"] for row in rows],
        "copies": copies,
        "faults": faults,
        "decisions": [{"x": d["offset_s"], "kind": d["kind"], "service": d["service"],
                       "label": "%s %d>%d" % (d["service"], d["from"], d["to"]) if d["kind"] == "scale" else
                       "%s %s" % (d["service"], d["kind"])}
                      for d in decisions_during(decisions, rows)],
    }
