"""moto's server, with ECS's scheduler stand-in: a service's tasks are all running at once.

moto records ECS services but never places their tasks (it runs no container agent), so a
service would never become stable and `build` would wait for it forever. This launcher makes
every new or updated service report runningCount == desiredCount, which is what a healthy ECS
cluster reports once its tasks are placed. Everything else is moto's server as shipped.
"""
import sys

from moto.ecs import models as ecs_models
from moto.server import main

_original_init = ecs_models.Service.__init__


def _init_with_tasks_running(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.running_count = self.desired_count
    self.pending_count = 0
    for deployment in self.deployments:
        deployment["runningCount"] = self.desired_count
        deployment["pendingCount"] = 0
        deployment["rolloutState"] = "COMPLETED"


ecs_models.Service.__init__ = _init_with_tasks_running

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
