# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The service list's schema with every default of its fields: the one table.

The checks (service_list.py), the plan (plan.py), the controller's decisions (scaling.py), ECS's deployment
configuration (deployments.py) and the retry policies (retry_policy.py) read their defaults
here, on both platforms. Standard library only, and no imports: the local service controller
runs it beside scaling.py with the host's python3, without Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# A service's deployment configuration: ECS's own defaults for a rolling update.
DEPLOYMENT = {"minimum_healthy_percent": 100, "maximum_percent": 200}
DEPLOYMENT_BOUNDS = {"minimum_healthy_percent": (0, 100), "maximum_percent": (100, 400)}

# Target tracking, the same on both platforms: requests per copy per minute, and the cooldowns.
SCALING = {"requests_per_target": 420, "scale_out_cooldown_s": 15, "scale_in_cooldown_s": 60}

# A retry policy's fields, when the service gives a policy at all.
RETRY_POLICY = {
    "attempts": 3,
    "attempt_timeout_ms": 1000,
    "on_connect_failure": True,
    "on_timeout": True,
    "on_statuses": [502, 503, 504],
    "on_body": "",
    "budget_percent": 20,
    "budget_burst": 10,
}

# Each service owns a block of host ports on the local platform, like ECS's dynamic host ports
# but stable, so that a re-run finds every copy where it left it: a slot per copy.
SLOTS_PER_SERVICE = 100
MAX_COUNT = SLOTS_PER_SERVICE - 1

# The schema of a service, its health check and its deployment, with every default:
# field: (type, required, default, (low, high) or None). A bool is checked before an int (in
# Python a bool is an int). service_list.validate checks a list against it and fills the defaults.
DEPLOYMENT_FIELDS = dict(
    (key, (int, False, DEPLOYMENT[key], bounds))
    for key, bounds in DEPLOYMENT_BOUNDS.items())

HEALTH_CHECK_FIELDS = {
    "path": (str, True, None, None),
    "interval_s": (int, True, None, (1, 3600)),
    "timeout_s": (int, True, None, (1, 3600)),
    "healthy_threshold": (int, True, None, (1, 100)),
    "unhealthy_threshold": (int, True, None, (1, 100)),
}

SERVICE_FIELDS = {
    "name": (str, True, None, None),
    "source": (str, True, None, None),
    "command": (str, True, None, None),
    "port": (int, True, None, (1, 65535)),
    "listener_port": (int, True, None, (1, 65535)),
    "public": (bool, False, False, None),
    "desired_count": (int, True, None, (0, MAX_COUNT)),
    "min_count": (int, False, None, (0, MAX_COUNT)),
    "max_count": (int, False, None, (0, MAX_COUNT)),
    # Target tracking, on both platforms: requests per copy per minute, and its cooldowns.
    "requests_per_target": (int, False, SCALING["requests_per_target"], (1, 1000000)),
    "scale_out_cooldown_s": (int, False, SCALING["scale_out_cooldown_s"], (0, 86400)),
    "scale_in_cooldown_s": (int, False, SCALING["scale_in_cooldown_s"], (0, 86400)),
    # How a new revision replaces the copies, as ECS's deployment configuration (filled below).
    "deployment": (dict, False, {}, None),
    # Seconds a copy gets to exit after SIGTERM before it is killed (ECS's stopTimeout: at most 120).
    "stop_timeout_s": (int, False, 5, (0, 120)),
    # Requests one copy serves at once (1: single-threaded); the balancers queue the rest.
    "concurrency": (int, False, None, (1, 10000)),
    # How calls to this service are made resilient (module_utils/retry_policy.py checks its fields).
    "retry_policy": (dict, False, None, None),
    "environment": (dict, False, {}, None),
    "endpoints": (dict, False, {}, None),
    "health_check": (dict, True, None, None),
}
