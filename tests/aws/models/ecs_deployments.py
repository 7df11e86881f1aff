"""ECS service deployments: COMPLETED, or FAILED and rolled back by the circuit breaker.

Real AWS: each CreateService/UpdateService that changes the task definition starts a deployment
(PRIMARY; the one it replaces drains away). With tasks that become healthy its rolloutState goes
IN_PROGRESS -> COMPLETED and runningCount reaches desiredCount. With the deployment circuit
breaker and rollback on, tasks that keep failing stop (ListTasks desiredStatus=STOPPED,
DescribeTasks stoppedReason), the deployment's rolloutState becomes FAILED and ECS starts a new
PRIMARY deployment of the last task definition that completed; the service's taskDefinition is
that one again. A failed first deployment has nothing to roll back to.
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html

moto places no task, keeps one deployment forever (of the first task definition, even after an
update) and never sets rolloutState after creation. Here every deployment completes at once,
except that a task definition whose image contains UNHEALTHY_IMAGE_MARKER fails: its tasks stop
with STOPPED_REASON and the service rolls back (tests choose a broken image by its name).
"""
import functools

from moto.core.utils import utcnow
from moto.ecs import models as ecs_models
from moto.moto_api._internal import mock_random

UNHEALTHY_IMAGE_MARKER = "never-healthy"
STOPPED_REASON = "Task failed ELB health checks in (target-group %s)"
FAILED_TASKS = 2


def _deployment(service, task_definition, status, rollout, running):
    identifier = "ecs-svc/%d" % mock_random.randint(0, 10 ** 18)
    reasons = {"COMPLETED": "ECS deployment %s completed." % identifier,
               "FAILED": "ECS deployment circuit breaker: tasks failed to start."}
    now = utcnow()
    return {"id": identifier, "status": status, "taskDefinition": task_definition,
            "desiredCount": service.desired_count, "pendingCount": 0, "runningCount": running,
            "failedTasks": 0 if rollout == "COMPLETED" else FAILED_TASKS, "createdAt": now, "updatedAt": now,
            "launchType": service.launch_type, "rolloutState": rollout, "rolloutStateReason": reasons[rollout]}


def _event(service, message):
    service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": utcnow(),
                              "message": "(service %s) %s" % (service.name, message)})


def _is_healthy(backend, task_definition_arn):
    definition = backend.describe_task_definition(task_definition_arn)
    return not any(UNHEALTHY_IMAGE_MARKER in c.get("image", "") for c in definition.container_definitions)


def _stop_failed_tasks(backend, service, task_definition_arn, deployment_id):
    cluster = backend.clusters[service.cluster_name]
    definition = backend.describe_task_definition(task_definition_arn)
    target_group = (service.load_balancers or [{}])[0].get("targetGroupArn", "none")
    for _attempt in range(FAILED_TASKS):
        task = ecs_models.Task(cluster, definition, None, None, backend, group="service:%s" % service.name,
                               launch_type="EC2", started_by=deployment_id)
        task.last_status = "STOPPED"
        task.desired_status = "STOPPED"
        task.stopped_reason = STOPPED_REASON % target_group
        backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task


def deploy(backend, service, task_definition_arn, previous):
    """Run a deployment of task_definition_arn; previous is the task definition to roll back to."""
    service.task_definition = task_definition_arn
    if _is_healthy(backend, task_definition_arn):
        service.deployments = [_deployment(service, task_definition_arn, "PRIMARY", "COMPLETED", service.desired_count)]
        service.running_count, service.pending_count = service.desired_count, 0
        _event(service, "has reached a steady state.")
        return
    failed = _deployment(service, task_definition_arn, "PRIMARY", "FAILED", 0)
    _stop_failed_tasks(backend, service, task_definition_arn, failed["id"])
    _event(service, "(deployment %s) deployment failed: tasks failed to start." % failed["id"])
    if previous is None:
        service.deployments = [failed]
        service.running_count, service.pending_count = 0, 0
        return
    failed["status"] = "ACTIVE"
    rollback = _deployment(service, previous, "PRIMARY", "COMPLETED", service.desired_count)
    _event(service, "rolling back to deployment %s." % rollback["id"])
    service.task_definition = previous
    service.deployments = [rollback, failed]
    service.running_count, service.pending_count = service.desired_count, 0


def _last_completed(service):
    done = [d for d in service.deployments if d.get("rolloutState") == "COMPLETED"]
    return done[0]["taskDefinition"] if done else None


_create_service = ecs_models.EC2ContainerServiceBackend.create_service


@functools.wraps(_create_service)
def _create_service_and_deploy(self, *args, **kwargs):
    service = _create_service(self, *args, **kwargs)
    if service.task_definition and service.deployment_controller["type"] == "ECS":
        deploy(self, service, service.task_definition, None)
    return service


_update_service = ecs_models.EC2ContainerServiceBackend.update_service


@functools.wraps(_update_service)
def _update_service_and_deploy(self, service_properties):
    requested = service_properties.get("task_definition")
    forced = service_properties.get("force_new_deployment")
    cluster = service_properties.get("cluster", "default")
    before = self._get_service(cluster, service_properties["service"].split("/")[-1])
    previous = _last_completed(before)
    service = _update_service(self, service_properties)
    current = self.describe_task_definition(requested).arn if requested else previous
    if current and (current != previous or forced):
        deploy(self, service, current, previous)
    elif service.deployments:
        service.task_definition = current or service.task_definition
        for deployment in service.deployments:
            if deployment["status"] == "PRIMARY":
                deployment["desiredCount"] = deployment["runningCount"] = service.desired_count
    return service


ecs_models.EC2ContainerServiceBackend.create_service = _create_service_and_deploy
ecs_models.EC2ContainerServiceBackend.update_service = _update_service_and_deploy
