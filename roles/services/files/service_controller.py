# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local platform's service controller: the stand-in for the ECS service scheduler and for
Application Auto Scaling's target tracking.

Build writes what each service runs to desired.json (the services role); this program makes it
so, once a second, and keeps it so:
- it runs each service's copies as podman containers on the slots of its port block, and puts
  them in and out of the load balancer through HAProxy's runtime API (no reload);
- it rolls out a new revision copy by copy within the deployment's minimum healthy and maximum
  percent, and rolls a revision whose copies never become healthy back to the last good one;
- it scales services with max_count on the requests per copy per minute that HAProxy counts.
Every decision is pure logic in scaling.py (plugins/module_utils/scaling.py, copied beside it).
It writes what it did and what it measured to status.json and decisions.jsonl. State it must not
forget (the count it chose, cooldowns, the last good revision) is in state.json, so a restart
carries on where it stopped. Standard library only: it runs with the host's python3.

    service_controller.py run --cluster NAME --dir DIR --haproxy-socket PATH --server-state PATH
    service_controller.py status --dir DIR
"""

import argparse
import collections
import concurrent.futures
import glob
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import naming  # noqa: E402  (copied beside this file by the services role, like scaling.py)
import scaling  # noqa: E402

CLUSTER_LABEL = naming.LABELS["cluster"]
SERVICE_LABEL = naming.LABELS["service"]
PORT_LABEL = naming.LABELS["port"]
SLOT_LABEL = naming.LABELS["slot"]
REVISION_LABEL = naming.LABELS["revision"]
# Ticks a copy may be seen not running before it is replaced: podman restarts a crashed copy in
# ~0.2 s, and a `podman restart` takes the copy's stop timeout.
DEAD_AFTER_TICKS = 10
DECISIONS_KEPT = 20
DECISIONS_LOG_BYTES = 1024 * 1024
PROBE_INTERVAL_S = 0.25


def log(message):
    sys.stdout.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), message))
    sys.stdout.flush()


def write_json(path, data):
    """Atomically: a reader never sees half a file."""
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    os.replace(temporary, path)


def read_json(path, default):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (IOError, OSError, ValueError):
        return default


def leave_the_controllers_cgroups():
    """Run in a podman child before it starts: join the root of every cgroup hierarchy.

    podman puts a copy's conmon (its supervisor, which applies the restart policy) in the
    cgroups of the process that ran `podman run`. In the controller's container those are the
    controller's, and everything in them is killed when the controller's container stops or
    restarts. From the root, podman places conmon as it does when a user runs podman, and the
    copies outlive the controller. Needs the host's /sys/fs/cgroup (--cgroupns host).
    """
    for path in glob.glob("/sys/fs/cgroup/cgroup.procs") + glob.glob("/sys/fs/cgroup/*/cgroup.procs"):
        try:
            with open(path, "w") as procs:
                procs.write("0")
        except OSError:
            pass  # a hierarchy this process may not join: podman manages the others


class Podman(object):
    """The podman CLI, for the copies of one cluster."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.env = dict(os.environ, LC_ALL="C")

    def _call(self, args, timeout=120):
        """podman with args; its exit code is the caller's to read."""
        return subprocess.run(["podman"] + args, capture_output=True, text=True, env=self.env, timeout=timeout,
                              preexec_fn=leave_the_controllers_cgroups, check=False)

    def _run(self, args, timeout=120):
        proc = self._call(args, timeout)
        if proc.returncode != 0:
            raise RuntimeError("podman %s failed (exit %d): %s" % (args[0], proc.returncode, proc.stderr.strip()))
        return proc.stdout

    def copies(self):
        out = self._run(["ps", "--all", "--filter", "label=%s=%s" % (CLUSTER_LABEL, self.cluster), "--format", "json"])
        copies = []
        for container in json.loads(out or "[]"):
            labels = container.get("Labels") or {}
            if not str(labels.get(SLOT_LABEL, "")).isdigit():
                continue
            copies.append({
                "name": container["Names"][0],
                "service": labels.get(SERVICE_LABEL),
                "slot": int(labels[SLOT_LABEL]),
                "port": int(labels.get(PORT_LABEL, 0)),
                "revision": labels.get(REVISION_LABEL),
                "running": container.get("State") == "running",
                "image": container.get("Image"),
            })
        return copies

    def start(self, definition, slot):
        name = scaling.copy_name(self.cluster, definition["name"], slot)
        port = definition["first_port"] + slot
        environment = dict(definition["environment"], PORT=str(port))
        args = ["run", "--detach", "--replace", "--name", name, "--network", "host", "--restart", "always",
                "--stop-timeout", str(definition["stop_timeout_s"])]
        for key, value in sorted(environment.items()):
            args += ["--env", "%s=%s" % (key, value)]
        labels = {CLUSTER_LABEL: self.cluster, SERVICE_LABEL: definition["name"], PORT_LABEL: str(port),
                  SLOT_LABEL: str(slot), REVISION_LABEL: definition["revision"]}
        for key, value in sorted(labels.items()):
            args += ["--label", "%s=%s" % (key, value)]
        self._run(args + [definition["image"]])
        return {"name": name, "service": definition["name"], "slot": slot, "port": port,
                "revision": definition["revision"], "running": True, "image": definition["image"]}

    def remove(self, names, stop_timeout_s):
        if names:
            self._run(["rm", "--force", "--ignore", "--time", str(stop_timeout_s)] + list(names))

    def describe(self, name):
        """How a copy stands, in words: running or its exit code, and its restarts."""
        proc = self._call(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}", name], 30)
        fields = proc.stdout.split()
        if proc.returncode != 0 or len(fields) != 3:
            return "%s is gone" % name
        status, code, restarts = fields
        state = "is running" if status == "running" else "has exited with code %s" % code
        return "%s %s after %s restarts" % (name, state, restarts)

    def logs(self, name, lines=10):
        proc = self._call(["logs", "--tail", str(lines), name], 30)
        return (proc.stdout + proc.stderr).splitlines()[-lines:]


class HAProxy(object):
    """HAProxy's runtime API: statistics, and each slot's admin state (ready, drain, maint)."""

    def __init__(self, socket_path, state_file):
        self.socket_path = socket_path
        self.state_file = state_file
        self.saved = None

    def command(self, text):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(5)
        try:
            conn.connect(self.socket_path)
            conn.sendall((text + "\n").encode())
            chunks = []
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            conn.close()
        return b"".join(chunks).decode()

    def stats(self):
        return scaling.parse_stat(self.command("show stat"))

    def set_state(self, backend, server, state):
        answer = self.command("set server %s/%s state %s" % (backend, server, state)).strip()
        if answer:
            raise RuntimeError("HAProxy refused state %s for %s/%s: %s" % (state, backend, server, answer))

    def save_state(self):
        """What a reloaded or restarted HAProxy starts from (load-server-state-from-file)."""
        state = self.command("show servers state")
        if state.strip() and state != self.saved:
            temporary = self.state_file + ".tmp"
            with open(temporary, "w") as handle:
                handle.write(state)
            os.replace(temporary, self.state_file)
            self.saved = state


def probe(url, timeout_s):
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


class DeploymentFailed(Exception):
    def __init__(self, copy, reason):
        Exception.__init__(self, reason)
        self.copy = copy
        self.reason = reason


class Controller(object):
    def __init__(self, cluster, directory, podman, haproxy, clock=time.time):
        self.cluster = cluster
        self.podman = podman
        self.haproxy = haproxy
        self.clock = clock
        self.desired_path = os.path.join(directory, "desired.json")
        self.state_path = os.path.join(directory, "state.json")
        self.status_path = os.path.join(directory, "status.json")
        self.decisions_path = os.path.join(directory, "decisions.jsonl")
        self.state = read_json(self.state_path, {})
        self.status = read_json(self.status_path, {}).get("services", {})
        self.samples = collections.defaultdict(lambda: collections.deque(maxlen=60))
        self.not_running = collections.Counter()
        self.rows = {}
        self.stopping = False

    # -- bookkeeping -----------------------------------------------------------------------

    def service_state(self, name):
        return self.state.setdefault(name, {})

    def decide(self, service, kind, reason, **details):
        event = dict(details, time=round(self.clock(), 3), service=service, kind=kind, reason=reason)
        log("%s %s: %s" % (service, kind, reason))
        with open(self.decisions_path, "a") as handle:
            handle.write(json.dumps(event, sort_keys=True) + "\n")
        self.trim_decisions()
        status = self.status.setdefault(service, {})
        status["decisions"] = (status.get("decisions", []) + [event])[-DECISIONS_KEPT:]

    def trim_decisions(self):
        """Keep the decision log small: past DECISIONS_LOG_BYTES, only its newer half stays."""
        try:
            if os.path.getsize(self.decisions_path) <= DECISIONS_LOG_BYTES:
                return
            with open(self.decisions_path) as handle:
                lines = handle.readlines()
            temporary = self.decisions_path + ".tmp"
            with open(temporary, "w") as handle:
                handle.writelines(lines[len(lines) // 2:])
            os.replace(temporary, self.decisions_path)
        except OSError as exc:
            log("could not trim %s: %s" % (self.decisions_path, exc))

    def set_deployment(self, definition, state, **details):
        deployment = dict(details, state=state, revision=definition["revision"], image=definition["image"],
                          time=round(self.clock(), 3))
        self.status.setdefault(definition["name"], {})["deployment"] = deployment
        self.save()

    def save(self):
        write_json(self.state_path, self.state)
        write_json(self.status_path, {"cluster": self.cluster, "updated": round(self.clock(), 3),
                                      "pid": os.getpid(), "services": self.status})

    # -- the load balancer's view ------------------------------------------------------------

    def refresh_stats(self):
        try:
            self.rows = self.haproxy.stats()
        except (OSError, RuntimeError) as exc:
            log("HAProxy's runtime API does not answer (%s); trying again next second" % exc)
            self.rows = {}
        return self.rows

    def server(self, copy):
        return self.rows.get((copy["service"], copy["name"])) or {}

    def in_service(self, copy):
        # "UP 1/2": up, one failed check on its way down; still served.
        return str(self.server(copy).get("status") or "").startswith("UP")

    # -- copies ------------------------------------------------------------------------------

    def free_slots(self, copies, count):
        used = set(c["slot"] for c in copies)
        return [slot for slot in range(scaling.SLOTS_PER_SERVICE) if slot not in used][:count]

    def healthy(self, definition, copy, deadline):
        """True once the copy answers its health check healthy_threshold times in a row."""
        check = definition["health_check"]
        url = "http://127.0.0.1:%d%s" % (copy["port"], check["path"])
        streak = 0
        while self.clock() < deadline and not self.stopping:
            if probe(url, check["timeout_s"]):
                streak += 1
                if streak >= check["healthy_threshold"]:
                    return True
            else:
                streak = 0
            time.sleep(PROBE_INTERVAL_S)
        return False

    def start_copies(self, definition, copies, count):
        """Start count copies of a definition and put those that become healthy in service.

        Raises DeploymentFailed with the first copy that did not; the others stay in service.
        """
        started = []
        for slot in self.free_slots(copies, count):
            try:
                started.append(self.podman.start(definition, slot))
            except RuntimeError as exc:
                # An image that is not there, a command podman refuses: the version is broken.
                self.podman.remove([c["name"] for c in started], definition["stop_timeout_s"])
                raise DeploymentFailed(None, str(exc))
        if not started:
            return []
        # What was measured before describes other copies.
        self.samples[definition["name"]].clear()
        deadline = self.clock() + scaling.health_deadline_s(definition)
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(started)) as pool:
            results = list(pool.map(lambda c: self.healthy(definition, c, deadline), started))
        good = [c for c, ok in zip(started, results) if ok]
        for copy in good:
            self.haproxy.set_state(copy["service"], copy["name"], "ready")
        bad = [c for c, ok in zip(started, results) if not ok]
        if bad:
            raise DeploymentFailed(bad[0], "%s did not pass its health check (GET %s) %d times in a row within %d s"
                                   % (bad[0]["name"], definition["health_check"]["path"],
                                      definition["health_check"]["healthy_threshold"],
                                      scaling.health_deadline_s(definition)))
        return good

    def stop_copies(self, definition, copies):
        """Drain, then stop: no new requests, the ones in flight finish first."""
        if not copies:
            return
        for copy in copies:
            try:
                self.haproxy.set_state(copy["service"], copy["name"], "drain")
            except (OSError, RuntimeError) as exc:
                log("could not drain %s: %s" % (copy["name"], exc))
        deadline = self.clock() + definition["stop_timeout_s"] + 30
        while self.clock() < deadline:
            self.refresh_stats()
            busy = [c for c in copies if (self.server(c).get("scur") or 0) + (self.server(c).get("qcur") or 0) > 0]
            if not busy:
                break
            time.sleep(0.1)
        for copy in copies:
            try:
                self.haproxy.set_state(copy["service"], copy["name"], "maint")
            except (OSError, RuntimeError) as exc:
                log("could not take %s out: %s" % (copy["name"], exc))
        self.podman.remove([c["name"] for c in copies], definition["stop_timeout_s"])
        if copies:
            self.samples[copies[0]["service"]].clear()

    # -- one service -------------------------------------------------------------------------

    def active_definition(self, definition):
        """What the service runs: the desired definition, or the last good one when the desired
        revision failed to roll out."""
        state = self.service_state(definition["name"])
        if state.get("failed_revision") == definition["revision"]:
            return state.get("stable")
        return definition

    def reconcile(self, definition, copies):
        name = definition["name"]
        state = self.service_state(name)
        if state.get("failed_revision") not in (None, definition["revision"]):
            state.pop("failed_revision")
        active = self.active_definition(definition)
        count = scaling.starting_count(definition, state.get("count"))
        status = self.status.setdefault(name, {})
        if active is None:
            # The first revision failed and there is nothing to roll back to: wait for a new one.
            self.podman.remove([c["name"] for c in copies], definition["stop_timeout_s"])
            status.update(running=0, in_service=0)
            return
        current = [c for c in copies if c["revision"] == active["revision"]]
        others = [c for c in copies if c["revision"] != active["revision"]]
        if others:
            self.roll_out(definition, active, count, current, others)
            return
        deployment = status.get("deployment") or {}
        done = deployment.get("revision") == active["revision"] and deployment.get("state") == "COMPLETED"
        if active is definition and not done:
            # A new service, or the first revision: its copies start like a rollout's, and count.
            if len([c for c in current if c["running"]]) < count:
                self.roll_out(definition, active, count, current, others)
                return
            self.mark_complete(active)
        self.scale(definition, active, count, current)

    def mark_complete(self, active):
        self.service_state(active["name"])["stable"] = active
        self.set_deployment(active, "COMPLETED")
        self.decide(active["name"], "deployment", "revision %s (%s) is in service" % (active["revision"], active["image"]),
                    revision=active["revision"])

    def roll_out(self, definition, active, count, current, others):
        """Replace the other revisions' copies by active's, within the deployment's bounds."""
        name = active["name"]
        rolling_back = active is not definition
        if not rolling_back:
            self.set_deployment(active, "IN_PROGRESS")
            self.decide(name, "deployment", "rolling out revision %s (%s) to %d copies, minimum healthy %d%%, "
                        "maximum %d%%" % (active["revision"], active["image"], count,
                                          active["deployment"]["minimum_healthy_percent"],
                                          active["deployment"]["maximum_percent"]),
                        revision=active["revision"])
        # Copies of the active revision that the load balancer does not serve yet get their check.
        current = [c for c in current if c["running"]]
        try:
            while not self.stopping:
                self.refresh_stats()
                healthy = [c for c in current if self.in_service(c)]
                waiting = [c for c in current if not self.in_service(c)]
                if waiting:
                    deadline = self.clock() + scaling.health_deadline_s(active)
                    for copy in waiting:
                        if not self.healthy(active, copy, deadline):
                            raise DeploymentFailed(copy, "%s did not pass its health check" % copy["name"])
                        self.haproxy.set_state(copy["service"], copy["name"], "ready")
                    healthy = current
                start, stop = scaling.rollout_step(count, active["deployment"], len(others), len(healthy), 0)
                if start:
                    current += self.start_copies(active, current + others, start)
                    start, stop = scaling.rollout_step(count, active["deployment"], len(others), len(current), 0)
                if stop:
                    leaving = sorted(others, key=lambda c: (c["running"], -c["slot"]))[:stop]
                    self.stop_copies(active, leaving)
                    others = [c for c in others if c not in leaving]
                if not others and len(current) >= count:
                    break
                if not start and not stop:
                    raise DeploymentFailed(None, "no copy can start or stop within minimum healthy %d%% and "
                                           "maximum %d%%" % (active["deployment"]["minimum_healthy_percent"],
                                                             active["deployment"]["maximum_percent"]))
        except DeploymentFailed as failure:
            self.fail(definition, active, failure, current, others)
            return
        except (OSError, RuntimeError) as exc:
            log("%s: the rollout stopped (%s); carrying on next second" % (name, exc))
            return
        if not rolling_back:
            self.mark_complete(active)

    def fail(self, definition, active, failure, current, others):
        """Like ECS's deployment circuit breaker: back to the last revision that was in service."""
        name = definition["name"]
        state = self.service_state(name)
        logs = self.podman.logs(failure.copy["name"]) if failure.copy else []
        reason = "%s (%s)" % (failure.reason, self.podman.describe(failure.copy["name"])) if failure.copy else failure.reason
        stable = state.get("stable")
        new_copies = current if active is definition else []
        # The new revision's copies leave; the old ones kept serving all along.
        self.stop_copies(active, [c for c in new_copies if c["revision"] == definition["revision"]])
        state["failed_revision"] = definition["revision"]
        back = None
        if stable and stable["revision"] != definition["revision"]:
            outcome = "rolled back to revision %s (%s)" % (stable["revision"], stable["image"])
            back = "revision %s (%s)" % (stable["revision"], stable["image"])
        else:
            stable = None
            outcome = "nothing to roll back to: the service has no copies until a new revision"
        self.set_deployment(definition, "FAILED", reason=reason, logs=logs, rolled_back_to=back,
                            copy=failure.copy and failure.copy["name"])
        self.decide(name, "rollback", "revision %s (%s) failed: %s; %s"
                    % (definition["revision"], definition["image"], reason, outcome),
                    revision=definition["revision"])

    def scale(self, definition, active, count, current):
        name = definition["name"]
        state = self.service_state(name)
        sample = scaling.service_sample(self.rows, name, self.clock()) if self.rows else None
        if sample:
            self.samples[name].append(sample)
        status = self.status.setdefault(name, {})
        # The count chosen before, as it was: new bounds that move it are a decision of their own.
        previous = state.get("count", count)
        decision = scaling.target_tracking(definition, previous, list(self.samples[name]), self.clock(),
                                           state.get("last_scale_out"), state.get("last_scale_in"))
        if decision:
            wanted, reason = decision
            self.decide(name, "scale", "%d -> %d copies: %s" % (previous, wanted, reason),
                        **{"from": previous, "to": wanted})
            state["last_scale_out" if wanted > previous else "last_scale_in"] = self.clock()
            count = wanted
        state["count"] = count
        self.save()
        # Copies that stay down are replaced; running ones out of service are put back once healthy
        # (after HAProxy started without its saved states, or a controller stopped mid-drain).
        running = [c for c in current if c["running"]]
        for copy in current:
            self.not_running[copy["name"]] = 0 if copy["running"] else self.not_running[copy["name"]] + 1
        dead = [c for c in current if self.not_running[c["name"]] >= DEAD_AFTER_TICKS]
        if dead:
            self.decide(name, "replace", "%s not running for %d s" % (", ".join(c["name"] for c in dead), DEAD_AFTER_TICKS))
            self.stop_copies(active, dead)
        check = active["health_check"]
        back = [c for c in running if self.server(c).get("status") in ("MAINT", "DRAIN") and self.healthy(
            active, c, self.clock() + check["timeout_s"] * check["healthy_threshold"] + 1)]
        for copy in back:
            self.haproxy.set_state(name, copy["name"], "ready")
        alive = [c for c in current if c not in dead]
        try:
            if len(alive) < count:
                self.start_copies(active, alive + dead, count - len(alive))
            elif len(alive) > count:
                self.stop_copies(active, sorted(alive, key=lambda c: c["slot"])[count:])
        except DeploymentFailed as failure:
            log("%s: %s" % (name, failure.reason))
        if dead or back or len(alive) != count:
            # What the load balancer serves changed this second: the status says so now.
            self.refresh_stats()
        measured = scaling.requests_per_copy_per_minute(list(self.samples[name]), scaling.SCALE_OUT_WINDOW_S, self.clock())
        status.update(desired_count=count, min_count=definition["min_count"], max_count=definition["max_count"],
                      target=definition.get("target"), measured=None if measured is None else round(measured, 1),
                      running=len(alive), in_service=len([c for c in alive if self.in_service(c)]))

    # -- the loop ----------------------------------------------------------------------------

    def tick(self):
        desired = read_json(self.desired_path, None)
        if desired is None:
            return
        self.refresh_stats()
        copies = self.podman.copies()
        names = [d["name"] for d in desired["services"]]
        for definition in desired["services"]:
            if self.stopping:
                return
            self.reconcile(definition, [c for c in copies if c["service"] == definition["name"]])
        # Services that left the list: their copies go, drained first.
        leftovers = [c for c in copies if c["service"] not in names]
        if leftovers:
            self.decide(",".join(sorted(set(c["service"] for c in leftovers))), "remove", "no longer in the service list")
            self.stop_copies({"stop_timeout_s": 5}, leftovers)
        for gone in set(self.status) - set(names):
            self.status.pop(gone)
            self.state.pop(gone, None)
        try:
            self.haproxy.save_state()
        except (OSError, RuntimeError) as exc:
            log("could not save HAProxy's server state: %s" % exc)
        self.save()

    def run(self, interval_s=1.0):
        def stop(_signum, _frame):
            self.stopping = True
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log("controller of cluster %s started" % self.cluster)
        while not self.stopping:
            began = time.time()
            try:
                self.tick()
            except Exception as exc:  # pylint: disable=broad-except
                # One bad second must not end the controller; the next tick starts from the world.
                log("tick failed: %s: %s" % (type(exc).__name__, exc))
            time.sleep(max(0.0, interval_s - (time.time() - began)))
        log("controller stopped")


def print_status(directory):
    status = read_json(os.path.join(directory, "status.json"), None)
    if status is None:
        print("no status yet in %s" % directory)
        return 1
    print("cluster %s, updated %s" % (status["cluster"], time.strftime("%H:%M:%S", time.localtime(status["updated"]))))
    for name, service in sorted(status["services"].items()):
        deployment = service.get("deployment") or {}
        measured = service.get("measured")
        load = "measured %s" % ("-" if measured is None else "%.0f" % measured)
        if service.get("target"):
            scaling_text = "bounds %s-%s, target %s requests per copy per minute, %s" % (
                service.get("min_count"), service.get("max_count"), service["target"], load)
        else:
            scaling_text = "not scaled, %s requests per copy per minute" % load
        print("%s: %s of %s copies in service (%s); deployment %s %s" % (
            name, service.get("in_service"), service.get("desired_count"), scaling_text,
            deployment.get("revision"), deployment.get("state")))
        for event in service.get("decisions", [])[-5:]:
            print("  %s %s: %s" % (time.strftime("%H:%M:%S", time.localtime(event["time"])), event["kind"], event["reason"]))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run")
    run.add_argument("--cluster", required=True)
    run.add_argument("--dir", required=True)
    run.add_argument("--haproxy-socket", required=True)
    run.add_argument("--server-state", required=True)
    run.add_argument("--interval", type=float, default=1.0)
    show = commands.add_parser("status")
    show.add_argument("--dir", required=True)
    args = parser.parse_args()
    if args.command == "status":
        return print_status(args.dir)
    controller = Controller(args.cluster, args.dir, Podman(args.cluster), HAProxy(args.haproxy_socket, args.server_state))
    controller.run(args.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
