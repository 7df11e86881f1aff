"""Restarts on ECS: the stopped tasks of a service since a moment."""
import datetime

from ansible_collections.loadbearing.ecs.plugins.module_utils.task_stops import as_utc, stop_reasons, stops_since

UTC = datetime.timezone.utc
START = datetime.datetime(2026, 11, 29, 5, 0, 0, tzinfo=UTC)


def task(service, seconds_after_start, group_prefix="service:"):
    return {"group": group_prefix + service, "lastStatus": "STOPPED",
            "stoppedAt": START + datetime.timedelta(seconds=seconds_after_start)}


def test_counts_the_service_tasks_stopped_since_the_moment():
    tasks = [task("frontend", 1), task("frontend", 30), task("frontend", -5), task("backend", 2)]
    assert stops_since(tasks, "frontend", "2026-11-29T05:00:00Z") == 2
    assert stops_since(tasks, "backend", START) == 1


def test_a_task_of_another_group_or_still_running_is_not_a_restart():
    running = {"group": "service:frontend", "lastStatus": "RUNNING"}
    one_off = task("frontend", 3, group_prefix="family:")
    assert stops_since([running, one_off], "frontend", START) == 0


def test_times_without_a_zone_are_utc():
    assert as_utc("2026-11-29T05:00:00") == START
    assert as_utc(datetime.datetime(2026, 11, 29, 5, 0, 0)) == START
    assert as_utc("2026-11-29T06:00:00+01:00") == START


def test_without_a_moment_every_listed_stopped_task_of_the_service_counts():
    tasks = [task("frontend", 1), task("frontend", -5), task("backend", 2), task("frontend", 3, group_prefix="family:")]
    assert stops_since(tasks, "frontend") == 2


def test_the_reasons_are_distinct_and_the_newest_first():
    def stopped(seconds, reason):
        return dict(task("frontend", seconds), stoppedReason=reason)
    tasks = [stopped(1, "Essential container in task exited"), stopped(9, "Task failed ELB health checks"),
             stopped(5, "Essential container in task exited"), dict(task("backend", 20), stoppedReason="Scaling activity"),
             stopped(7, "")]
    assert stop_reasons(tasks, "frontend") == ["Task failed ELB health checks", "Essential container in task exited"]
