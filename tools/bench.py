"""The benchmark sweep of the local platform: frontend copies x ab concurrency, with and without faults.

For each number of copies it re-runs build with that desired_count (one cluster, re-scaled),
then runs the throughput stage at each concurrency, once without faults and once killing a
random frontend copy every second. It prints a table and writes docs/benchmarks.md with a
chart of the sweep and the over-time chart of one fault run. Figures are measured, never
asserted: a point that misses an objective is a figure, not a failure.

Run it with `make bench` (as root, on an otherwise idle machine). The cluster is terminated at
the end unless --keep is given.
"""
import argparse
import datetime
import glob
import json
import os
import shutil
import subprocess
import sys
import time

import matplotlib
import yaml

matplotlib.use("Agg")  # no display: render to files only
from matplotlib import pyplot  # noqa: E402  (after choosing the backend)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "collections"))
from ansible_collections.loadbearing.ecs.plugins.module_utils.benchmark_table import (  # noqa: E402
    describe_plan, markdown_table, table_row)

# The fault run: a frontend copy killed every second, and the backend twice in a point of
# about 8 s.
FAULT_PLAN = [{"service": "frontend", "kill_every_s": 1}, {"service": "backend", "kill_every_s": 4}]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", default="1,5,10,20,30", help="frontend copies to sweep (comma-separated)")
    parser.add_argument("--concurrency", default="10,50", help="ab -c values to sweep (comma-separated)")
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="length of each point: ab -n is this times the limit, at least -c")
    parser.add_argument("--limit-per-copy", type=float, default=10.0,
                        help="requests per second one frontend copy can serve (the workload's ceiling)")
    parser.add_argument("--cluster", default="bench")
    parser.add_argument("--registry-port", type=int, default=5650)
    parser.add_argument("--port-base", type=int, default=26000)
    parser.add_argument("--listener-base", type=int, default=8680, help="public listener; the others follow")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    parser.add_argument("--work-dir", default=None, help="where reports go (default: a new directory under /tmp)")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running at the end")
    return parser.parse_args()


class Sweep(object):
    def __init__(self, args):
        self.args = args
        self.work = args.work_dir or "/tmp/loadbearing-bench-%s" % args.cluster
        self.reports = os.path.join(self.work, "reports")
        os.makedirs(self.work, exist_ok=True)
        with open(os.path.join(ROOT, "inventory", "local", "group_vars", "all", "services.yml")) as handle:
            self.services = yaml.safe_load(handle)["ecs_services"]
        # The public listener first, then the others.
        ordered = sorted(self.services, key=lambda service: not service.get("public"))
        for offset, service in enumerate(ordered):
            service["listener_port"] = args.listener_base + offset
        self.public = next(service for service in self.services if service.get("public"))

    def playbook(self, name, extra):
        variables = dict({
            "ecs_cluster_name": self.args.cluster,
            "registry_port": self.args.registry_port,
            "ecs_local_port_base": self.args.port_base,
            "ecs_services": self.services,
            "benchmark_report_root": self.reports,
        }, **extra)
        vars_file = os.path.join(self.work, "vars.yml")
        with open(vars_file, "w") as handle:
            yaml.safe_dump(variables, handle)
        command = [os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), os.path.join("playbooks", name),
                   "-e", "@" + vars_file]
        started = time.time()
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        log = os.path.join(self.work, "%s-%d.log" % (name, int(started)))
        with open(log, "w") as handle:
            handle.write(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            sys.exit("%s failed (rc %d), see %s" % (name, proc.returncode, log))
        return time.time() - started

    def scale(self, copies):
        # A sweep point measures a fixed number of copies: the bounds pin it, so the service
        # controller does not scale the pool under the sweep's load.
        self.public.update(desired_count=copies, min_count=copies, max_count=copies)
        return self.playbook("build.yml", {})

    def point(self, copies, concurrency, plan):
        requests = max(concurrency, int(self.args.seconds * self.args.limit_per_copy * copies))
        before = set(glob.glob(os.path.join(self.reports, self.args.cluster, "*")))
        # The SLOs are the demo's; a sweep point reports its figures whatever they are.
        self.playbook("throughput.yml", {
            "benchmark_requests": requests, "benchmark_concurrency": concurrency, "benchmark_faults": plan,
            "benchmark_slo_min_requests_per_second": 0, "benchmark_slo_min_success_ratio": 0})
        report_dir = sorted(set(glob.glob(os.path.join(self.reports, self.args.cluster, "*"))) - before)[-1]
        with open(os.path.join(report_dir, "report.json")) as handle:
            report = json.load(handle)
        return table_row(report, copies, self.args.limit_per_copy), report_dir


def draw_sweep(rows, path):
    figure, axes = pyplot.subplots(1, 2, figsize=(11, 4.2))
    for (concurrency, faults) in sorted(set((row["concurrency"], row["faults"]) for row in rows)):
        points = sorted((row["copies"], row) for row in rows if (row["concurrency"], row["faults"]) == (concurrency, faults))
        label = "-c %d, faults: %s" % (concurrency, faults)
        style = "--" if faults != "none" else "-"
        copies = [point[0] for point in points]
        axes[0].plot(copies, [point[1]["ratio_to_limit"] for point in points], style, marker="o", label=label)
        axes[1].plot(copies, [point[1]["p99_ms"] for point in points], style, marker="o", label=label)
    axes[0].set_ylabel("throughput / limit (10 req/s per copy)")
    axes[0].set_ylim(0, 1.1)
    axes[1].set_ylabel("p99 latency (ms)")
    axes[1].set_yscale("log")
    for ax in axes:
        ax.set_xlabel("frontend copies")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    pyplot.close(figure)


def write_markdown(args, rows, command, elapsed_s, over_time_png):
    sweep_png = os.path.splitext(args.output)[0] + "-sweep.png"
    draw_sweep(rows, sweep_png)
    lines = [
        "# Benchmarks of the local platform",
        "",
        "Written by `%s` on %s UTC in %d s; do not edit, run it again." % (
            command, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), elapsed_s),
        "",
        "Each point is one throughput stage (`ab -r`, about %g s of load at the limit) against one cluster "
        "re-scaled by build between points. The limit is %g req/s per frontend copy in the service list "
        "(each copy serves one request at a time, 100 ms each); the *ratio to limit* counts good answers only. "
        "*failed* is what the client saw fail at the socket (connect, receive, exceptions), *non-2xx* answers "
        "with an error status. Faults: %s, by `kill -9` of a random copy's process, so podman's restart policy "
        "brings it back. Measured on %d CPU core(s), with ab, HAProxy and every copy on the same machine." % (
            args.seconds, args.limit_per_copy, describe_plan(FAULT_PLAN), os.cpu_count()),
        "",
        markdown_table(rows),
        "",
        "![throughput as a share of the limit, and p99 latency, by frontend copies](%s)" % os.path.basename(sweep_png),
        "",
    ]
    if over_time_png:
        lines += ["One run with faults over time (requests per second, latency, running copies; each kill is a "
                  "dashed line):", "", "![one fault run over time](%s)" % os.path.basename(over_time_png), ""]
    with open(args.output, "w") as handle:
        handle.write("\n".join(lines))


def main():
    args = parse_args()
    sweep = Sweep(args)
    started = time.time()
    rows, over_time_png = [], None
    copies_list = [int(value) for value in args.copies.split(",")]
    concurrencies = [int(value) for value in args.concurrency.split(",")]
    try:
        for copies in copies_list:
            print("scaling the frontend to %d copies (%.0f s)" % (copies, sweep.scale(copies)), flush=True)
            for concurrency in concurrencies:
                for plan in ([], FAULT_PLAN):
                    row, report_dir = sweep.point(copies, concurrency, plan)
                    rows.append(row)
                    print(markdown_table([row]).splitlines()[-1], flush=True)
                    chart = os.path.join(report_dir, "throughput.png")
                    # The over-time chart shown: the first fault run at 10 copies, else the last one.
                    wanted = copies == 10 and concurrency == concurrencies[0] or 10 not in copies_list
                    if plan and wanted and os.path.exists(chart):
                        over_time_png = os.path.splitext(args.output)[0] + "-faults-over-time.png"
                        shutil.copyfile(chart, over_time_png)
    finally:
        if not args.keep:
            sweep.playbook("terminate.yml", {})
    print()
    print(markdown_table(rows))
    # The command as run, so a partial sweep says so.
    command = "make bench" if len(sys.argv) == 1 else "python tools/bench.py " + " ".join(sys.argv[1:])
    write_markdown(args, rows, command, time.time() - started, over_time_png)
    print("\nWritten: %s" % args.output)


if __name__ == "__main__":
    main()
