# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The service list's retry policies: defaults, checks, the proxy's environment, its counters.

The proxy is HAProxy running retry_policy.lua (packer/retry-proxy/app). It reads its
policies from environment variables, so the local load balancer (haproxy.cfg `setenv`) and an
AWS sidecar (the task definition's environment) configure it the same way. Standard library only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.loadbearing.ecs.plugins.module_utils import service_defaults

DEFAULTS = service_defaults.RETRY_POLICY
ENV_PREFIX = "LOADBEARING_RETRY_"
FAILURE_CLASSES = ("connect_failure", "timeout", "status", "body")
COUNTERS = ("calls", "attempts", "retries", "budget_exhausted", "gave_up")


def with_defaults(policy):
    """The policy with every field, the defaults filling what it leaves out."""
    merged = dict(DEFAULTS)
    merged.update(dict((key, value) for key, value in (policy or {}).items() if value is not None))
    return merged


def policy_problems(service):
    """What is wrong with a service's retry_policy, as sentences; empty when it is fine or absent."""
    raw = service.get("retry_policy")
    if raw is None:
        return []
    name = service.get("name", "?")
    if not isinstance(raw, dict):
        return ["%s: retry_policy must be a mapping" % name]
    problems = ["%s: retry_policy has no field %s (fields: %s)" % (name, key, ", ".join(sorted(DEFAULTS)))
                for key in sorted(set(raw) - set(DEFAULTS))]
    policy = with_defaults(raw)
    ranges = {"attempts": (1, 5), "attempt_timeout_ms": (10, 60000), "budget_percent": (0, 100),
              "budget_burst": (0, 1000)}
    for key, (low, high) in sorted(ranges.items()):
        value = policy[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append("%s: retry_policy.%s must be a whole number from %d to %d, not %r"
                            % (name, key, low, high, value))
    for key in ("on_connect_failure", "on_timeout"):
        if not isinstance(policy[key], bool):
            problems.append("%s: retry_policy.%s must be true or false, not %r" % (name, key, policy[key]))
    statuses = policy["on_statuses"]
    if not isinstance(statuses, list) or not all(
            isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 599 for status in statuses):
        problems.append("%s: retry_policy.on_statuses must be a list of HTTP statuses (100-599), not %r"
                        % (name, statuses))
    body = policy["on_body"]
    if not isinstance(body, str):
        problems.append("%s: retry_policy.on_body must be a regular expression string, not %r" % (name, body))
    else:
        try:
            re.compile(body)
        except re.error as exc:
            problems.append("%s: retry_policy.on_body is not a valid regular expression (%s)" % (name, exc))
    return problems


def env_key(service_name):
    """The policy's part of the variable names: upper case, '-' as '_'."""
    return service_name.upper().replace("-", "_")


def policy_environment(service, url, dst=None):
    """Environment variables that configure the proxy for calls to one service.

    url is the base URL attempts are sent to, dst an optional address to connect to instead of
    the URL's host (the local load balancer's unix socket for the service's copies).
    """
    policy = with_defaults(service.get("retry_policy"))
    prefix = ENV_PREFIX + env_key(service["name"]) + "_"
    environment = {
        prefix + "URL": url.rstrip("/"),
        prefix + "ATTEMPTS": str(policy["attempts"]),
        prefix + "TIMEOUT_MS": str(policy["attempt_timeout_ms"]),
        prefix + "ON_CONNECT_FAILURE": "1" if policy["on_connect_failure"] else "0",
        prefix + "ON_TIMEOUT": "1" if policy["on_timeout"] else "0",
        prefix + "ON_STATUSES": " ".join(str(status) for status in policy["on_statuses"]),
        prefix + "ON_BODY": policy["on_body"],
        prefix + "BUDGET_PERCENT": str(policy["budget_percent"]),
        prefix + "BUDGET_BURST": str(policy["budget_burst"]),
    }
    if dst:
        environment[prefix + "DST"] = dst
    # An empty variable is the same as an unset one to the proxy, and haproxy.cfg cannot set one.
    return dict((name, value) for name, value in environment.items() if value != "")


def policies_environment(services, urls=None, socket_dir=None):
    """The proxy's whole environment for the services that have a retry policy.

    Either urls maps each such service to its base URL (a sidecar calling a load balancer), or
    socket_dir holds the unix socket <service>-attempts.sock through which the local load
    balancer reaches the service's copies.
    """
    with_policy = [service for service in services if service.get("retry_policy") is not None]
    environment = {ENV_PREFIX + "POLICIES": " ".join(service["name"] for service in with_policy)}
    for service in with_policy:
        name = service["name"]
        if socket_dir:
            url, dst = "http://" + name, "unix@%s/%s-attempts.sock" % (socket_dir.rstrip("/"), name)
        elif name in (urls or {}):
            url, dst = urls[name], None
        else:
            raise ValueError("no upstream URL for service %s" % name)
        environment.update(policy_environment(service, url, dst))
    return environment


def haproxy_quote(value):
    """A value as one word of haproxy.cfg, taken literally (no variable expansion, no escapes)."""
    text = str(value)
    if "'" not in text:
        return "'" + text + "'"
    # Inside single quotes nothing is special, so a quote closes, is escaped, and reopens.
    return "'" + text.replace("'", "'\\''") + "'"


def parse_stats(text):
    """The proxy's counters (its JSON, from the stats socket or `show retry-policy`) by service.

    Every service gets every counter and failure class, plus retry_share (retries / calls).
    """
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ValueError("not the retry policy's counters (%s): %r" % (exc, text[:200]))
    if not isinstance(document, dict) or not isinstance(document.get("retry_policies"), dict):
        raise ValueError("not the retry policy's counters: no retry_policies object in %r" % text[:200])
    stats = {}
    for service, raw in document["retry_policies"].items():
        entry = dict((counter, int(raw.get(counter, 0))) for counter in COUNTERS)
        failures = raw.get("failures") or {}
        entry["failures"] = dict((cls, int(failures.get(cls, 0))) for cls in FAILURE_CLASSES)
        entry["budget_tokens"] = float(raw.get("budget_tokens", 0))
        entry["retry_share"] = round(entry["retries"] / float(entry["calls"]), 4) if entry["calls"] else 0.0
        stats[service] = entry
    return stats


def _combined(first, second, sign):
    """first + sign x second, counter by counter and failure class by failure class."""
    combined = dict((counter, first[counter] + sign * second[counter]) for counter in COUNTERS)
    combined["failures"] = dict((cls, first["failures"][cls] + sign * second["failures"][cls])
                                for cls in FAILURE_CLASSES)
    return combined


def _difference(then, now):
    """What one proxy's policy did from the counters `then` to `now`; None when they went down."""
    changed = _combined(now, then, -1)
    if min([changed[counter] for counter in COUNTERS] + list(changed["failures"].values())) < 0:
        return None
    return changed


def _with_share(changed):
    if changed is not None:
        changed["retry_share"] = round(changed["retries"] / float(changed["calls"]), 4) if changed["calls"] else 0.0
    return changed


def stats_delta(before_text, after_text):
    """What each retry policy did between two readings of the proxy's counters (its JSON texts).

    None when either reading is missing (no proxy, or it could not be read). A service whose
    counters went down, or that the first reading lacks, was reset in between (HAProxy restarted
    or reloaded): what it did is unknown, and it maps to None.
    """
    if not before_text or not after_text:
        return None
    try:
        before, after = parse_stats(before_text), parse_stats(after_text)
    except ValueError:
        return None
    return dict((service, _with_share(_difference(before[service], now) if service in before else None))
                for service, now in sorted(after.items()))


# A sidecar writes its counters to its log every few seconds (LOADBEARING_RETRY_LOG_EVERY_S),
# each line this mark and the counters' JSON.
LOG_MARK = "retry-policy counters "
SIDECAR_LOG_EVERY_S = 5


def sidecar_counters_delta(events, start_ms, end_ms):
    """What the retry proxies of many tasks did during a run, from the counters in their logs.

    events: CloudWatch Logs events (logStreamName, timestamp in ms, message); a stream is one
    task's sidecar. For each stream, from its last reading at or before start_ms (none: the task
    started during the run, from zero) to its first at or after end_ms (none: the task stopped
    during the run, so its last reading, and the figure is a lower bound). The readings are a
    few seconds apart, so calls of those seconds around the run count too.

    Returns the sum over streams by service called, with `tasks` (the streams counted) and
    `complete` (every stream had a reading after the run), or None when no stream had a reading
    after start_ms.
    """
    readings = {}
    for event in events:
        message = event.get("message", "")
        if not message.startswith(LOG_MARK):
            continue
        try:
            counters = parse_stats(message[len(LOG_MARK):])
        except ValueError:
            continue
        readings.setdefault(event["logStreamName"], []).append((event["timestamp"], counters))
    zero = dict([(counter, 0) for counter in COUNTERS], failures=dict((cls, 0) for cls in FAILURE_CLASSES))
    totals, tasks, complete = {}, 0, True
    for _stream, stream_readings in sorted(readings.items()):
        stream_readings.sort(key=lambda reading: reading[0])
        before = [counters for at, counters in stream_readings if at <= start_ms]
        after = [counters for at, counters in stream_readings if at >= end_ms]
        during = [counters for at, counters in stream_readings if start_ms < at]
        if not during:
            continue
        complete = complete and bool(after)
        first, last = (before[-1] if before else {}), (after[0] if after else during[-1])
        tasks += 1
        for service, now in last.items():
            changed = _difference(first.get(service, zero), now)
            if changed is not None:
                totals[service] = _combined(totals.get(service, zero), changed, 1)
    if not tasks:
        return None
    return {"services": dict((service, _with_share(total)) for service, total in sorted(totals.items())),
            "tasks": tasks, "complete": complete}


SIDECAR_NAME = "retry-proxy"


def retried_callees(service, services):
    """The services `service` calls (its endpoints) that have a retry policy, sorted by name."""
    by_name = dict((entry["name"], entry) for entry in services)
    return [by_name[target] for target in sorted(set((service.get("endpoints") or {}).values()))
            if by_name[target].get("retry_policy") is not None]


def sidecar_stream_prefix(service_name):
    """The awslogs stream prefix of the retry proxy beside a service's copies on AWS."""
    return "%s-%s" % (service_name, SIDECAR_NAME)


def sidecar_stream_prefixes(services):
    """Where the sidecars of every service that has one log: their streams' prefixes, with the '/'."""
    return [sidecar_stream_prefix(service["name"]) + "/" for service in services if retried_callees(service, services)]


def retry_proxy_needed(services):
    """Whether any service calls one with a retry policy: then its tasks carry the retry proxy."""
    return any(retried_callees(service, services) for service in services)


def task_containers(service, services, image, endpoints, sidecar_image, log_group, region, memory_mib=128,
                    sidecar_memory_mib=32):
    """The container definitions of a service's ECS task (bridge networking).

    When the service calls (through `endpoints`) a service that has a retry policy, the task gets
    the retry proxy as a sidecar: the caller's variable points at the sidecar (a link, port = the
    called service's listener port) and the sidecar calls the load balancer's URL with the policy.
    Other endpoints keep the load balancer's URL.
    """
    by_name = dict((entry["name"], entry) for entry in services)
    retried = retried_callees(service, services)
    retried_names = set(entry["name"] for entry in retried)
    environment = dict(service.get("environment") or {})
    environment["PORT"] = str(service["port"])
    for variable, target in sorted((service.get("endpoints") or {}).items()):
        if target in retried_names:
            environment[variable] = "http://%s:%d/" % (SIDECAR_NAME, by_name[target]["listener_port"])
        else:
            environment[variable] = endpoints[target]

    def logs(prefix):
        return {"logDriver": "awslogs",
                "options": {"awslogs-group": log_group, "awslogs-region": region, "awslogs-stream-prefix": prefix}}

    def pairs(mapping):
        return [{"name": name, "value": mapping[name]} for name in sorted(mapping)]

    app = {
        "name": service["name"],
        "image": image,
        "essential": True,
        "memoryReservation": memory_mib,
        # Host port 0: ECS picks a free one per task and registers it with the target group.
        "portMappings": [{"containerPort": service["port"], "hostPort": 0, "protocol": "tcp"}],
        "environment": pairs(environment),
        "logConfiguration": logs(service["name"]),
    }
    # The plan's services always have it; ECS's own default, without, is 30 s.
    if service.get("stop_timeout_s") is not None:
        app["stopTimeout"] = service["stop_timeout_s"]
    if not retried:
        return [app]
    if not sidecar_image:
        raise ValueError("it calls %s, which has a retry policy, but there is no image of the retry proxy (%s): "
                         "run the artifacts stage, or supply one in ecs_images"
                         % (", ".join(entry["name"] for entry in retried), SIDECAR_NAME))
    urls = dict((entry["name"], endpoints[entry["name"]]) for entry in retried)
    proxy_environment = policies_environment(retried, urls=urls)
    for entry in retried:
        proxy_environment[ENV_PREFIX + env_key(entry["name"]) + "_LISTEN"] = str(entry["listener_port"])
    # Its log is the only place the sidecar's counters can be read from (sidecar_counters_delta).
    proxy_environment[ENV_PREFIX + "LOG_EVERY_S"] = str(SIDECAR_LOG_EVERY_S)
    app["links"] = [SIDECAR_NAME]
    app["dependsOn"] = [{"containerName": SIDECAR_NAME, "condition": "START"}]
    sidecar = {
        "name": SIDECAR_NAME,
        "image": sidecar_image,
        "essential": True,
        "memoryReservation": sidecar_memory_mib,
        "environment": pairs(proxy_environment),
        "logConfiguration": logs(sidecar_stream_prefix(service["name"])),
    }
    return [app, sidecar]
