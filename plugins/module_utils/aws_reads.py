# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads of AWS where "not found" is an answer and every other error is AWS's to tell. Standard library only.

A denied or throttled read that is taken for "nothing there" deletes nothing in terminate and
resets counts in build: only the error codes that mean "not there" become an answer here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time

from ansible_collections.loadbearing.ecs.plugins.module_utils.deployments import deployment_states

# DescribeServices takes at most 10 services per call.
DESCRIBE_SERVICES_BATCH = 10


def error_code(error):
    """The AWS error code of a botocore ClientError, or None for any other exception."""
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code")


def unless_not_found(call, codes, absent):
    """What call() returns, or `absent` when AWS answers one of `codes`; any other error is raised."""
    try:
        return call()
    except Exception as error:  # pylint: disable=broad-except
        if error_code(error) in codes:
            return absent
        raise


def jsonable(value):
    """value with its datetimes as ISO 8601 strings, as a module returns it."""
    if isinstance(value, dict):
        return dict((key, jsonable(item)) for key, item in value.items())
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def cluster_services(client, cluster, names=None):
    """(whether the cluster exists, its services as DescribeServices describes them).

    names: the services to describe; None lists every service of the cluster first. A service
    that does not exist is left out (DescribeServices reports it as a MISSING failure).
    """
    def read():
        if names is None:
            wanted = []
            for page in client.get_paginator("list_services").paginate(cluster=cluster):
                wanted.extend(page["serviceArns"])
        else:
            wanted = list(names)
        described = []
        for start in range(0, len(wanted), DESCRIBE_SERVICES_BATCH):
            answer = client.describe_services(cluster=cluster, services=wanted[start:start + DESCRIBE_SERVICES_BATCH])
            described.extend(answer["services"])
        return True, described

    return unless_not_found(read, ("ClusterNotFoundException",), (False, []))


def wait_for_deployments(read, expected, timeout, delay, sleep=time.sleep, clock=time.time):
    """Read until no deployment of `expected` ({service: task-definition ARN}) is in progress, or timeout.

    read() returns (cluster found, services). Returns (found, services, states, timed_out); what
    did not finish is for the caller to judge, with its reasons.
    """
    deadline = clock() + timeout
    while True:
        found, services = read()
        states = deployment_states(services, expected)
        pending = "in_progress" in states.values()
        if not pending or clock() >= deadline:
            return found, services, states, pending
        sleep(min(delay, max(deadline - clock(), 0)))


def activity_summaries(activities):
    """One line per Auto Scaling activity, newest first: when, its status, and what happened.

    A failed launch says why in its Description ("... Status Reason: <EC2's message> ...") and its
    StatusMessage; the message is added when the description leaves it out.
    """
    lines = []
    for activity in activities:
        line = "%s %s: %s" % (jsonable(activity.get("StartTime", "")), activity.get("StatusCode", "?"),
                              activity.get("Description", "").strip())
        message = (activity.get("StatusMessage") or "").strip()
        if message and message not in line:
            line += " (%s)" % message
        lines.append(line)
    return lines
