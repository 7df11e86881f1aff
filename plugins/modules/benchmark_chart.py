#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: benchmark_chart
short_description: Draw a benchmark run over time as a PNG
version_added: 0.1.0
description:
  - Draws three panels sharing one time axis, in seconds since the run's first request -
    requests per second, p50 and p99 latency, and running copies of each service - with every
    injected fault marked by a vertical line, and each decision of the local service controller
    (scaling, rollout, rollback) marked on the copies.
  - Renders headless (matplotlib's Agg backend).
options:
  path:
    description: The PNG to write.
    type: path
    required: true
  per_second:
    description: Rows of C(ansible_facts.apachebench.per_second) from M(loadbearing.ecs.apachebench).
    type: list
    elements: dict
    required: true
  samples:
    description: Copy samples from M(loadbearing.ecs.fault_injector) or M(loadbearing.ecs.ecs_fault_injector).
    type: list
    elements: dict
    default: []
  events:
    description: Injected faults from the same module.
    type: list
    elements: dict
    default: []
  decisions:
    description:
      - Decisions of the local service controller, each with C(time), C(service), C(kind) (scale,
        deployment, rollback, replace) and, for a scale, C(from) and C(to).
      - Those made while the requests ran are marked.
    type: list
    elements: dict
    default: []
  title:
    description: Title of the chart.
    type: str
    default: Benchmark over time
requirements:
  - matplotlib
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: In check mode nothing is drawn.
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Draw the run
  loadbearing.ecs.benchmark_chart:
    path: reports/demo/20261129T000000Z/throughput.png
    per_second: "{{ ansible_facts.apachebench.per_second }}"
    samples: "{{ faults_result.samples }}"
    events: "{{ faults_result.events }}"
"""

RETURN = r"""
path:
  description: The PNG written.
  returned: success
  type: str
seconds:
  description: Seconds of requests drawn.
  returned: success
  type: int
"""

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.loadbearing.ecs.plugins.module_utils.timeline import chart_series

try:
    import matplotlib
    matplotlib.use("Agg")  # no display: render to files only
    from matplotlib import pyplot
    HAS_MATPLOTLIB = True
    MATPLOTLIB_ERROR = None
except ImportError:
    HAS_MATPLOTLIB = False
    MATPLOTLIB_ERROR = traceback.format_exc()

FAULT_COLOURS = {"kill": "tab:red", "restart": "tab:purple"}
DECISION_COLOURS = {"scale": "tab:green", "deployment": "tab:blue", "rollback": "tab:red", "replace": "tab:gray"}


def step(axes, xs, ys, **style):
    """A value holds from its x to the next one's; the last one for a second more."""
    if xs:
        axes.step(list(xs) + [xs[-1] + 1], list(ys) + [ys[-1]], where="post", **style)


def draw(series, path, title):
    figure, (throughput, latency, copies) = pyplot.subplots(3, 1, sharex=True, figsize=(10, 7.5))
    # A row counts the requests started in [x, x + 1): draw it as a step over that second.
    step(throughput, series["x"], series["requests"], color="tab:blue")
    throughput.set_ylabel("requests / s")
    step(latency, series["x"], series["p50_ms"], label="p50", color="tab:green")
    step(latency, series["x"], series["p99_ms"], label="p99", color="tab:orange")
    latency.set_ylabel("latency (ms)")
    latency.legend(loc="upper right")
    for service, points in sorted(series["copies"].items()):
        step(copies, points["x"], points["y"], label=service)
    # The service controller's decisions, where the copies are: what it did and to which count.
    for decision in series.get("decisions", []):
        colour = DECISION_COLOURS.get(decision["kind"], "black")
        copies.axvline(decision["x"], color=colour, alpha=0.6, linewidth=1, linestyle=":")
        copies.annotate(decision["label"], xy=(decision["x"], 1), xycoords=("data", "axes fraction"),
                        xytext=(2, -2), textcoords="offset points", rotation=90, va="top", fontsize=7, color=colour)
    copies.set_ylabel("running copies")
    copies.set_xlabel("seconds since the first request")
    if series["copies"]:
        copies.legend(loc="upper right")
    for axes in (throughput, latency, copies):
        axes.set_ylim(bottom=0)
        axes.grid(True, alpha=0.3)
        for kind in sorted(set(fault["kind"] for fault in series["faults"])):
            for fault in [f for f in series["faults"] if f["kind"] == kind]:
                axes.axvline(fault["x"], color=FAULT_COLOURS.get(kind, "black"), alpha=0.35, linewidth=1,
                             linestyle="--")
    marked = sorted(set(fault["kind"] for fault in series["faults"]))
    if marked:
        throughput.set_title("faults marked: " + ", ".join("%s (%s)" % (kind, FAULT_COLOURS.get(kind, "black")
                                                                        .replace("tab:", "")) for kind in marked),
                             fontsize=9)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    pyplot.close(figure)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            per_second=dict(type="list", elements="dict", required=True),
            samples=dict(type="list", elements="dict", default=[]),
            events=dict(type="list", elements="dict", default=[]),
            decisions=dict(type="list", elements="dict", default=[]),
            title=dict(type="str", default="Benchmark over time"),
        ),
        supports_check_mode=True,
    )
    if not HAS_MATPLOTLIB:
        module.fail_json(msg=missing_required_lib("matplotlib"), exception=MATPLOTLIB_ERROR)
    params = module.params
    series = chart_series(params["per_second"], params["samples"], params["events"], params["decisions"])
    if not module.check_mode:
        draw(series, params["path"], params["title"])
    module.exit_json(changed=not module.check_mode, path=params["path"], seconds=len(series["x"]))


if __name__ == "__main__":
    main()
