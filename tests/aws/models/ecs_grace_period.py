"""ECS services keep their health-check grace period.

Real AWS: CreateService and UpdateService take healthCheckGracePeriodSeconds (for services behind
a load balancer) and DescribeServices returns it.
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html

moto drops it, so every tool that compares it (community.aws.ecs_service does) sees a change on
every run.
"""
import functools

from moto.ecs.responses import EC2ContainerServiceResponse


def _keeping_the_grace_period(action, name_parameter):
    @functools.wraps(action)
    def wrapper(self):
        result = action(self)
        grace = self._get_param("healthCheckGracePeriodSeconds")
        if grace is not None:
            service = self.ecs_backend._get_service(self._get_param("cluster", "default"),
                                                    self._get_param(name_parameter).split("/")[-1])
            service.health_check_grace_period_seconds = grace
        return result
    return wrapper


EC2ContainerServiceResponse.create_service = _keeping_the_grace_period(EC2ContainerServiceResponse.create_service,
                                                                       "serviceName")
EC2ContainerServiceResponse.update_service = _keeping_the_grace_period(EC2ContainerServiceResponse.update_service,
                                                                       "service")
