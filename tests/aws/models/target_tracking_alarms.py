"""A target-tracking policy that is updated keeps one set of alarms.

Real AWS: Application Auto Scaling creates and manages the CloudWatch alarms of a target-tracking
policy; PutScalingPolicy with the name of an existing policy overwrites it, and the policy goes
on with its own alarms only; DeleteScalingPolicy deletes the alarms it created.
- https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
- https://docs.aws.amazon.com/autoscaling/application/userguide/delete-target-tracking-policy.html

moto makes a new policy, with new alarms, on every PutScalingPolicy and forgets the old one's,
so a changed policy (a new target or cooldown) leaves alarms behind that nothing deletes. Here
the alarms of the policy it replaces are deleted first.
"""
import functools

from moto.applicationautoscaling import models

_put_scaling_policy = models.ApplicationAutoscalingBackend.put_scaling_policy


@functools.wraps(_put_scaling_policy)
def _put_replacing_the_alarms(self, policy_name, service_namespace, resource_id, scalable_dimension, *args, **kwargs):
    key = models.FakeApplicationAutoscalingPolicy.formulate_key(
        service_namespace, resource_id, scalable_dimension, policy_name)
    replaced = self.policies.get(key)
    if replaced is not None:
        replaced.delete_alarms(self.account_id, self.region_name)
    return _put_scaling_policy(self, policy_name, service_namespace, resource_id, scalable_dimension, *args, **kwargs)


models.ApplicationAutoscalingBackend.put_scaling_policy = _put_replacing_the_alarms
