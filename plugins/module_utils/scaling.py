# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local service controller's decisions: what runs, how many, and how a new version rolls out.

The controller (roles/services/files/service_controller.py) is the local platform's stand-in for
the ECS service scheduler and Application Auto Scaling target tracking. Everything it decides is
here, as pure functions of what it measured, so it is tested alone; the controller only reads
the world (podman, HAProxy's runtime API) and acts. Standard library only: the controller runs it
with the host's python3, without Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import hashlib
import json
import math

try:
    from ansible_collections.loadbearing.ecs.plugins.module_utils import naming, service_defaults
except ImportError:  # beside the local service controller, which runs without Ansible
    import naming
    import service_defaults

# Every port of a service's block is a slot the load balancer knows, so copies come and go
# without a reload.
SLOTS_PER_SERVICE = service_defaults.SLOTS_PER_SERVICE
DEPLOYMENT_DEFAULTS = service_defaults.DEPLOYMENT
SCALING_DEFAULTS = service_defaults.SCALING
# Like Application Auto Scaling, the controller scales in more carefully than it scales out:
# on a longer window, and only below 90% of the target.
SCALE_OUT_WINDOW_S = 5
SCALE_IN_WINDOW_S = 15
SCALE_IN_MARGIN = 0.9

# What a change of makes a new revision of a service, rolled out copy by copy.
REVISION_FIELDS = ("image", "environment", "stop_timeout_s", "port")


copy_name = naming.copy_name


def slot_port(port_base, position, slot):
    return int(port_base) + SLOTS_PER_SERVICE * position + slot


def revision(definition):
    """A short digest of what the copies of a definition run."""
    text = json.dumps(dict((key, definition.get(key)) for key in REVISION_FIELDS), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _given(service, field, default):
    """A field of the service list, or its default when left out or null (null is not given, as
    service_list.validate reads it)."""
    value = service.get(field)
    return default if value is None else value


def deployment_of(service):
    """A service's deployment configuration, ECS's defaults filling what it leaves out."""
    deployment = dict(DEPLOYMENT_DEFAULTS)
    deployment.update(dict((k, v) for k, v in (service.get("deployment") or {}).items() if v is not None))
    return deployment


def definitions(services, port_base, images, endpoints, health_check_grace_s=0):
    """What the controller runs for a checked service list, one definition per service, in order.

    images and endpoints are by service name (discovery's images, the listeners' URLs).
    """
    result = []
    for position, service in enumerate(services):
        environment = dict(service.get("environment") or {})
        for variable, target in sorted((service.get("endpoints") or {}).items()):
            environment[variable] = endpoints[target]
        scaled = service.get("max_count") is not None
        low, high = count_bounds(service)
        definition = {
            "name": service["name"],
            "image": images[service["name"]],
            "environment": environment,
            "stop_timeout_s": int(_given(service, "stop_timeout_s", service_defaults.SERVICE_FIELDS["stop_timeout_s"][2])),
            "port": int(service["port"]),
            "first_port": slot_port(port_base, position, 0),
            "desired_count": int(service["desired_count"]),
            "min_count": low,
            "max_count": high,
            "target": _given(service, "requests_per_target", SCALING_DEFAULTS["requests_per_target"]) if scaled else None,
            "scale_out_cooldown_s": _given(service, "scale_out_cooldown_s", SCALING_DEFAULTS["scale_out_cooldown_s"]),
            "scale_in_cooldown_s": _given(service, "scale_in_cooldown_s", SCALING_DEFAULTS["scale_in_cooldown_s"]),
            "deployment": deployment_of(service),
            "health_check": dict(service["health_check"]),
            "health_check_grace_s": int(health_check_grace_s),
        }
        definition["revision"] = revision(definition)
        result.append(definition)
    return result


def bounded(count, low, high):
    return max(int(low), min(int(high), int(count)))


def count_bounds(service):
    """(fewest, most) copies the controller can keep of a service of the list: starting_count
    of its definition, whatever count it chose, lies between them."""
    desired = int(service["desired_count"])
    low = int(_given(service, "min_count", desired))
    high = int(_given(service, "max_count", desired))
    return low, max(low, high)


def starting_count(definition, chosen=None):
    """The count a service runs: the one the controller chose before, kept within the bounds (a
    re-run of build keeps it, as on AWS), else the definition's desired count."""
    count = definition["desired_count"] if chosen is None else chosen
    return bounded(count, definition["min_count"], definition["max_count"])


# -- measuring ------------------------------------------------------------------------------

def parse_stat(text):
    """HAProxy's `show stat` CSV as {(proxy, server): row}, numbers as ints, blanks as None."""
    lines = text.lstrip("# ").splitlines()
    rows = {}
    for row in csv.DictReader(lines):
        if not row.get("pxname"):
            continue
        parsed = {}
        for key, value in row.items():
            if key is None:
                continue
            parsed[key] = int(value) if value and value.lstrip("-").isdigit() else (value if value else None)
        rows[(row["pxname"], row["svname"])] = parsed
    return rows


def service_sample(rows, service, time):
    """One sample of a service: the requests its listener received so far, its queue, and its
    copies in service (UP, not draining), from parse_stat's rows."""
    listener = rows.get((service, "FRONTEND")) or {}
    backend = rows.get((service, "BACKEND")) or {}
    up = [name for (proxy, name), row in rows.items()
          if proxy == service and name not in ("FRONTEND", "BACKEND") and str(row.get("status") or "").startswith("UP")]
    return {"time": time, "requests": listener.get("req_tot") or 0, "queue": backend.get("qcur") or 0,
            "in_service": len(up)}


def requests_per_copy_per_minute(samples, window_s, now):
    """ALBRequestCountPerTarget, per minute, over the samples of the last window_s seconds.

    None until the samples span at least half the window, or when no copy is in service.
    A counter that went back (HAProxy restarted) starts the window again.
    """
    recent = [s for s in samples if now - s["time"] <= window_s]
    for index in range(len(recent) - 1, 0, -1):
        if recent[index]["requests"] < recent[index - 1]["requests"]:
            recent = recent[index:]
            break
    if len(recent) < 2:
        return None
    first, last = recent[0], recent[-1]
    span = last["time"] - first["time"]
    copies = sum(s["in_service"] for s in recent[1:]) / float(len(recent) - 1)
    if span < window_s / 2.0 or copies == 0:
        return None
    return (last["requests"] - first["requests"]) * 60.0 / span / copies


def target_tracking(definition, count, samples, now, last_scale_out, last_scale_in):
    """The next count of a scaled service, and why; None when it stays.

    Like Application Auto Scaling target tracking: the count that brings the metric to the
    target, ceil(count * metric / target), within the bounds. Scale-out waits the scale-out
    cooldown after a scale-out; scale-in waits the scale-in cooldown after any scaling, measures
    over a longer window and only below 90% of the target, over its last seconds too.
    """
    target = definition.get("target")
    if not target:
        return None
    low, high = definition["min_count"], definition["max_count"]
    if not low <= count <= high:
        return bounded(count, low, high), "the bounds are now %d-%d" % (low, high)

    recent = requests_per_copy_per_minute(samples, SCALE_OUT_WINDOW_S, now)
    if recent is not None:
        wanted = bounded(math.ceil(count * recent / float(target)), low, high)
        if wanted > count and now - (last_scale_out or -1e9) >= definition["scale_out_cooldown_s"]:
            return wanted, ("%.0f requests per copy per minute over %d s, above the target %s"
                            % (recent, SCALE_OUT_WINDOW_S, target))

    # Below the margin over the whole window, its last seconds included (every datapoint of
    # AWS's scale-in alarm must be low): a low average may hide load that has just arrived.
    measured = requests_per_copy_per_minute(samples, SCALE_IN_WINDOW_S, now)
    low_now = recent is None or recent < SCALE_IN_MARGIN * target
    if measured is not None and measured < SCALE_IN_MARGIN * target and low_now:
        # A window just after the count changed measures the old count: wait for a whole one.
        since = now - max(last_scale_out or -1e9, last_scale_in or -1e9)
        wanted = bounded(math.ceil(count * measured / float(target)), low, high)
        if wanted < count and since >= max(definition["scale_in_cooldown_s"], SCALE_IN_WINDOW_S):
            return wanted, ("%.0f requests per copy per minute over %d s, below 90%% of the target %s"
                            % (measured, SCALE_IN_WINDOW_S, target))
    return None


# -- rolling out ----------------------------------------------------------------------------

def rollout_bounds(desired, deployment):
    """(fewest healthy copies, most copies) while a service rolls out, as ECS rounds them:
    minimum healthy percent up, maximum percent down. At least one copy can always move."""
    fewest = int(math.ceil(desired * deployment["minimum_healthy_percent"] / 100.0))
    most = int(math.floor(desired * deployment["maximum_percent"] / 100.0))
    if most <= desired and fewest >= desired:
        most = desired + 1
    return min(fewest, desired), max(most, desired)


def rollout_step(desired, deployment, old, new_healthy, new_starting):
    """How many new copies to start and old copies to stop now: (start, stop).

    old: copies of other revisions (healthy or not); new_healthy: copies of the new revision
    in service; new_starting: new copies not yet healthy.
    """
    fewest, most = rollout_bounds(desired, deployment)
    new = new_healthy + new_starting
    start = max(0, min(desired - new, most - (old + new)))
    # Old copies count as healthy: the load balancer takes a broken one out by itself.
    stop = max(0, min(old, old + new_healthy - fewest))
    return start, stop


def health_deadline_s(definition):
    """Seconds a new copy has to pass its health check healthy_threshold times in a row: the
    grace period, then the checks that would take it in and out of service."""
    check = definition["health_check"]
    return definition.get("health_check_grace_s", 0) + check["interval_s"] * (
        check["healthy_threshold"] + check["unhealthy_threshold"])
