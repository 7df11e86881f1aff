"""moto's server as shipped, with two of its gaps closed for the playbooks' tests.

1. ECS: moto records services but never places their tasks (it runs no container agent), so a
   service would never become stable and `build` would wait for it forever. Here every new
   service reports runningCount == desiredCount, as a healthy cluster does once its tasks are
   placed (moto itself does so after update_service).
2. EC2: moto copies a launch template's own tags into its launch data (AWS does not), so the
   first re-run sees a difference and makes version 2, and deleting a template with two
   versions is a 500 (DeleteLaunchTemplateVersions is not implemented). Here the template's
   own tags stay out of its data.
"""
import importlib
import sys

from moto.ec2.models import launch_templates as launch_template_models
from moto.ecs import models as ecs_models
from moto.server import main

# Models in modules of their own, loaded for what they patch.
importlib.import_module("ssm.sessions")  # Session Manager's StartSession, see ssm/sessions.py
importlib.import_module("task_stops")  # stopped ECS tasks carry stoppedAt, see task_stops.py

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

_original_create_template = launch_template_models.LaunchTemplateBackend.create_launch_template


def _create_template_keeping_its_tags_out_of_its_data(self, name, description, template_data, tag_spec):
    specifications = [spec for spec in template_data.get("TagSpecifications", [])
                      if spec.get("ResourceType") != "launch-template"]
    template_data = dict(template_data, TagSpecifications=specifications)
    if not specifications:
        del template_data["TagSpecifications"]
    return _original_create_template(self, name, description, template_data, tag_spec)


launch_template_models.LaunchTemplateBackend.create_launch_template = _create_template_keeping_its_tags_out_of_its_data

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
