"""ECS: a stopped task carries the time it stopped (stoppedAt), as on AWS; moto leaves it out.

The services role counts a service's restarts as its tasks that stopped since a moment
(loadbearing.ecs.ecs_stopped_tasks_info), so the tests need the time.
"""
import datetime

from moto.ecs import models as ecs_models

_original_stop_task = ecs_models.EC2ContainerServiceBackend.stop_task


def _stop_task_at_a_time(self, cluster_str, task_str, reason):
    task = _original_stop_task(self, cluster_str, task_str, reason)
    task.stopped_at = datetime.datetime.now(datetime.timezone.utc)
    return task


ecs_models.EC2ContainerServiceBackend.stop_task = _stop_task_at_a_time
