"""ECS services keep their deployment configuration: the percents and the circuit breaker.

Real AWS: CreateService and UpdateService take deploymentConfiguration (minimumHealthyPercent,
maximumPercent, deploymentCircuitBreaker with enable and rollback) and DescribeServices returns
it. A rolling-update service created without one gets minimumHealthyPercent 100 and
maximumPercent 200.
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html

moto drops it, so nothing can check what a playbook asked for. Here CreateService stores it over
the defaults, and UpdateService replaces the fields it names.
"""
import copy
import functools

from moto.ecs.responses import EC2ContainerServiceResponse

DEFAULTS = {"minimumHealthyPercent": 100, "maximumPercent": 200,
            "deploymentCircuitBreaker": {"enable": False, "rollback": False}}


def _service(response, name_parameter):
    return response.ecs_backend._get_service(response._get_param("cluster", "default"),
                                             response._get_param(name_parameter).split("/")[-1])


def _create_keeping_it(action):
    @functools.wraps(action)
    def wrapper(self):
        result = action(self)
        configuration = copy.deepcopy(DEFAULTS)
        configuration.update(copy.deepcopy(self._get_param("deploymentConfiguration") or {}))
        _service(self, "serviceName").deployment_configuration = configuration
        return result
    return wrapper


def _update_keeping_it(action):
    @functools.wraps(action)
    def wrapper(self):
        # moto's own update sets the attribute to the request as it is: merge onto what was there.
        configuration = copy.deepcopy(getattr(_service(self, "service"), "deployment_configuration", None) or DEFAULTS)
        result = action(self)
        configuration.update(copy.deepcopy(self._get_param("deploymentConfiguration") or {}))
        _service(self, "service").deployment_configuration = configuration
        return result
    return wrapper


EC2ContainerServiceResponse.create_service = _create_keeping_it(EC2ContainerServiceResponse.create_service)
EC2ContainerServiceResponse.update_service = _update_keeping_it(EC2ContainerServiceResponse.update_service)
