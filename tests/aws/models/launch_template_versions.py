"""Instances launch from any version of a launch template, not only its first.

Real AWS: CreateLaunchTemplateVersion takes the same LaunchTemplateData as
CreateLaunchTemplate (UserData base64-encoded), and an Auto Scaling group pinned to version N
launches from it.
- https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html

moto's gap, not a behaviour of an account: CreateLaunchTemplate wraps UserData as moto's
launch code expects, CreateLaunchTemplateVersion does not, so a group on version 2 or later
with user data cannot launch (a 500: an assertion in moto). Here a new version's UserData is
wrapped the same way.
"""
import functools

from moto.core.types import Base64EncodedString
from moto.ec2.models.launch_templates import LaunchTemplate
from moto.ec2.utils import parse_user_data

_create_version = LaunchTemplate.create_version


@functools.wraps(_create_version)
def _create_version_with_its_user_data_wrapped(self, data, description):
    if isinstance(data.get("UserData"), str) and not isinstance(data["UserData"], Base64EncodedString):
        data = dict(data, UserData=parse_user_data(data["UserData"]))
    return _create_version(self, data, description)


LaunchTemplate.create_version = _create_version_with_its_user_data_wrapped
