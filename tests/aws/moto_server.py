"""moto's server as shipped, with the real-account behaviours of tests/aws/models and one gap closed.

1. tests/aws/models: one module per behaviour of a real account that moto lacks (ECS agent,
   deployments and rollbacks, cluster and capacity-provider deletion, service-linked role, the
   AmazonECSManaged tag, immutable ECR tags, the services' grace period, NAT gateway tags). Every
   module there is imported, and patches moto.
2. EC2: moto copies a launch template's own tags into its launch data (AWS does not), so the
   first re-run sees a difference and makes version 2, and deleting a template with two
   versions is a 500 (DeleteLaunchTemplateVersions is not implemented). Here the template's
   own tags stay out of its data.
"""
import importlib
import pkgutil
import sys

from moto.ec2.models import launch_templates as launch_template_models
from moto.server import main

import models

# Models in modules of their own, loaded for what they patch.
importlib.import_module("ssm.sessions")  # Session Manager's StartSession, see ssm/sessions.py
importlib.import_module("task_stops")  # stopped ECS tasks carry stoppedAt, see task_stops.py
importlib.import_module("presigned_urls")  # moto cannot authorize a presigned URL, see presigned_urls.py
importlib.import_module("action_log")  # the IAM actions called, when LOADBEARING_ACTION_LOG is set

for _module in pkgutil.iter_modules(models.__path__):
    importlib.import_module("models." + _module.name)

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
