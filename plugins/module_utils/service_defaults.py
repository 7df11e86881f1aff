# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every default of a service-list field, and the rules derived from them: the one table.

The schema (service_list.py), the controller's decisions (scaling.py), ECS's deployment
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
