# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Derived views of the service list shared by the roles. Standard library only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Each service owns a block of host ports on the local platform, like ECS's dynamic host ports
# but stable, so that a re-run finds every copy where it left it.
PORTS_PER_SERVICE = 100


def local_replicas(services, cluster, port_base):
    """Every copy the local platform runs: name, service, index and host port.

    Ports are port_base + 100 * (position of the service in the list) + index.
    """
    replicas = []
    for position, service in enumerate(services):
        try:
            count = int(service["desired_count"])
        except (TypeError, ValueError):
            raise ValueError("desired_count of service %s must be a whole number, not %r"
                             % (service.get("name"), service["desired_count"]))
        if count > PORTS_PER_SERVICE:
            raise ValueError("%s: desired_count %d exceeds %d" % (service["name"], count, PORTS_PER_SERVICE))
        for index in range(count):
            replicas.append({
                "name": "%s-%s-%d" % (cluster, service["name"], index),
                "service": service["name"],
                "index": index,
                "port": int(port_base) + PORTS_PER_SERVICE * position + index,
            })
    return replicas
