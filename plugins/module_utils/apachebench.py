# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse ApacheBench (ab) output into plain data.

Standard library only, so it is importable (and testable) without Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# "Label:   value" lines of ab's summary, mapped to (key, converter).
_INT = "int"
_NUM = "num"
_STR = "str"
_SUMMARY_LINES = {
    "Server Software": ("server_software", _STR),
    "Server Hostname": ("server_hostname", _STR),
    "Server Port": ("server_port", _INT),
    "Document Path": ("document_path", _STR),
    "Concurrency Level": ("concurrency", _INT),
    "Complete requests": ("complete_requests", _INT),
    "Failed requests": ("failed_requests", _INT),
    "Non-2xx responses": ("non_2xx_responses", _INT),
    "Write errors": ("write_errors", _INT),
    "Keep-Alive requests": ("keepalive_requests", _INT),
    "Total transferred": ("total_transferred_bytes", _INT),
    "Total body sent": ("total_body_sent_bytes", _INT),
    "HTML transferred": ("html_transferred_bytes", _INT),
}

_FAILURE_BREAKDOWN = re.compile(
    r"\(Connect:\s*(\d+),\s*Receive:\s*(\d+),\s*Length:\s*(\d+),\s*Exceptions:\s*(\d+)\)"
)
_LABELLED = re.compile(r"^([A-Za-z0-9 -]+?):\s+(.*?)\s*$")
_FIRST_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)")
_CONNECTION_TIMES = re.compile(
    r"^(Connect|Processing|Waiting|Total):\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$"
)
_PERCENTILE = re.compile(r"^(\d+)%\s+(\d+(?:\.\d+)?)")
# ab's fatal errors come from APR ("apr_socket_recv: ... (111)") or ab itself.
_ABORT_LINE = re.compile(r"(apr_\w+: .*|Invalid URL.*|ab: .*|socket: .*|SSL .*error.*)$")

ZERO_WHEN_ABSENT = (
    "failed_connect",
    "failed_receive",
    "failed_length",
    "failed_exceptions",
    "non_2xx_responses",
    "write_errors",
)


def _number(text):
    """Return text as int when ab printed an integer, float otherwise."""
    match = _FIRST_NUMBER.match(text.strip())
    if not match:
        raise ValueError("not a number in ab output: %r" % text)
    token = match.group(1)
    return float(token) if "." in token else int(token)


def _convert(value, kind):
    if kind == _STR:
        return value
    return _number(value)


def _empty_result():
    keys = [key for key, _kind in _SUMMARY_LINES.values()] + [
        "document_length",
        "time_taken_s",
        "requests_per_second",
        "time_per_request_ms",
        "time_per_request_all_ms",
        "transfer_rate_kbps_received",
        "failed_connect",
        "failed_receive",
        "failed_length",
        "failed_exceptions",
    ]
    result = dict.fromkeys(keys)
    result["connection_times"] = {}
    result["percentiles"] = {}
    return result


def _abort_message(text):
    for line in reversed(text.splitlines()):
        # "Benchmarking host (be patient)...apr_socket_recv: ..." shares a line.
        match = _ABORT_LINE.search(line.strip())
        if match:
            return match.group(1)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output at all"


def _parse_labelled(result, label, value):
    if label in _SUMMARY_LINES:
        key, kind = _SUMMARY_LINES[label]
        result[key] = _convert(value, kind)
    elif label == "Document Length":
        # Dynamic bodies make ab print "Variable" (with -l).
        result["document_length"] = None if value.startswith("Variable") else _number(value)
    elif label == "Time taken for tests":
        result["time_taken_s"] = _number(value)
    elif label == "Requests per second":
        result["requests_per_second"] = _number(value)
    elif label == "Time per request":
        key = "time_per_request_all_ms" if "across all" in value else "time_per_request_ms"
        result[key] = _number(value)
    elif label == "Transfer rate":
        result["transfer_rate_kbps_received"] = _number(value)


def parse_ab_output(text):
    """Parse the text ab printed into a dict of figures.

    Raises ValueError, carrying ab's own error line, when ab aborted before
    printing its summary.
    """
    result = _empty_result()
    in_percentiles = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        breakdown = _FAILURE_BREAKDOWN.search(line)
        if breakdown:
            (result["failed_connect"], result["failed_receive"],
             result["failed_length"], result["failed_exceptions"]) = [int(g) for g in breakdown.groups()]
            continue
        times = _CONNECTION_TIMES.match(line)
        if times:
            phase = times.group(1).lower()
            figures = [_number(v) for v in times.groups()[1:]]
            result["connection_times"][phase] = dict(zip(("min", "mean", "sd", "median", "max"), figures))
            continue
        if line.startswith("Percentage of the requests"):
            in_percentiles = True
            continue
        percentile = _PERCENTILE.match(line) if in_percentiles else None
        if percentile:
            result["percentiles"][percentile.group(1)] = _number(percentile.group(2))
            continue
        labelled = _LABELLED.match(line)
        if labelled:
            _parse_labelled(result, labelled.group(1), labelled.group(2))

    if result["complete_requests"] is None or result["requests_per_second"] is None:
        raise ValueError("ab aborted before its summary: %s" % _abort_message(text))
    for key in ZERO_WHEN_ABSENT:
        if result[key] is None:
            result[key] = 0
    result.update(derived_figures(result))
    return result


def derived_figures(result):
    """Figures a service owner asks for, computed from ab's own counters.

    ab counts in "Complete requests" every request it finished reading,
    including those cut off by a receive error; connect failures and
    exceptions are retried and are not in it. So the attempts are
    complete + connect + exceptions, and the client-visible errors are
    connect + receive + exceptions + non-2xx.

    Length failures are not errors: a dynamic body changes length legitimately.
    A non-2xx response whose length also changed is counted by ab both as a
    failed request (Length) and as Non-2xx, so "Failed requests" and
    "Non-2xx responses" are never added together.
    """
    errors = (
        result["failed_connect"]
        + result["failed_receive"]
        + result["failed_exceptions"]
        + result["non_2xx_responses"]
    )
    attempted = result["complete_requests"] + result["failed_connect"] + result["failed_exceptions"]
    succeeded = max(attempted - errors, 0)
    return {
        "attempted_requests": attempted,
        "client_visible_errors": errors,
        "success_ratio": round(float(succeeded) / attempted, 6) if attempted else 0.0,
    }


_GNUPLOT_HEADER = ["starttime", "seconds", "ctime", "dtime", "ttime", "wait"]


def parse_ab_gnuplot(text):
    """Parse the file ab -g writes: one line per finished request.

    Each line is the start time twice (as text, then as epoch seconds), then the connect,
    processing, total and waiting times in ms. Returns one dict per request, in file order
    (ab writes them sorted by total time, not by start).
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or lines[0].split("\t") != _GNUPLOT_HEADER:
        raise ValueError("not an ab -g file: the first line should be %s" % " ".join(_GNUPLOT_HEADER))
    requests = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        try:
            start_s, connect, processing, total, waiting = [int(field) for field in fields[1:]]
        except ValueError:
            raise ValueError("line %d of the ab -g file is not starttime, seconds and four times in ms: %r"
                             % (number, line))
        requests.append({"start_s": start_s, "connect_ms": connect, "processing_ms": processing,
                         "total_ms": total, "waiting_ms": waiting})
    return requests
