# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restarts on ECS: the tasks of a service that stopped since a moment. Standard library only.

ECS replaces a task that stops (a crash, a failed health check) with a new one; the service
keeps no count of it, but its stopped tasks stay listed for a while with their stoppedAt.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime


def as_utc(moment):
    """A datetime (naive means UTC) or an ISO 8601 string, as an aware UTC datetime."""
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def _of(tasks, service):
    group = "service:%s" % service
    return [task for task in tasks if task.get("group") == group]


def stops_since(tasks, service, since=None):
    """How many of `tasks` (as DescribeTasks returns them) belong to `service` and stopped at or
    after `since`; every stopped one of the service without `since`."""
    if since is None:
        return len(_of(tasks, service))
    since = as_utc(since)
    return sum(1 for task in _of(tasks, service) if task.get("stoppedAt") is not None and as_utc(task["stoppedAt"]) >= since)


def stop_reasons(tasks, service):
    """The distinct stoppedReason of the service's tasks, the most recently stopped first."""
    newest_first = sorted(_of(tasks, service), key=lambda task: as_utc(task["stoppedAt"]) if task.get("stoppedAt")
                          else as_utc("1970-01-01T00:00:00Z"), reverse=True)
    reasons = []
    for task in newest_first:
        reason = task.get("stoppedReason")
        if reason and reason not in reasons:
            reasons.append(reason)
    return reasons
