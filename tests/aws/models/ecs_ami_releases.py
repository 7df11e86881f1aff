"""AWS publishes new ECS-optimized AMIs, and the public "recommended" parameter moves to each.

Real AWS: the ECS-optimized Amazon Linux 2023 AMI is released every few weeks; each release
updates the public SSM parameters under
/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended (image_id, image_name, and the
JSON of the parameter itself) to name the new AMI. Nobody else may write under /aws/.
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-ami-versions.html

moto serves one fixed value for ever (and refuses PutParameter under /aws/, as AWS does). Here
POST /moto-api/models/ecs-ami-release {"region": ...} is a release: a new AMI appears in the
region (a copy of the current one, named as the next version) and the parameters name it. The
answer is {"image_id": <the new AMI>, "previous": <the one it replaced>}.
"""
import copy

from moto.ec2.models import ec2_backends
from moto.ssm.models import Parameter, ssm_backends
from moto.core.utils import utcnow

from models.control import route

ACCOUNT = "123456789012"
RECOMMENDED = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended"


def _publish(parameters, name, value):
    current = parameters[name][-1]
    parameters[name].append(Parameter(account_id=current.account_id, name=name, value=value,
                                      parameter_type=current.parameter_type, description=None,
                                      allowed_pattern=None, keyid=None, last_modified_date=utcnow(),
                                      version=current.version + 1, data_type=current.data_type))


def release(body):
    region = body.get("region", "us-east-1")
    ssm = ssm_backends[body.get("account_id", ACCOUNT)][region]
    ssm.get_parameter(RECOMMENDED)  # loads the public tree
    parameters = ssm._parameters
    previous = parameters[RECOMMENDED + "/image_id"][-1].value
    described = copy.deepcopy(parameters[RECOMMENDED][-1].value)
    version = "%s.next%d" % (described["image_version"], len(parameters[RECOMMENDED]))
    name = "al2023-ami-ecs-hvm-%s-kernel-6.1-x86_64" % version
    image = ec2_backends[body.get("account_id", ACCOUNT)][region].copy_image(previous, region, name=name,
                                                                             description="Amazon Linux AMI %s x86_64 ECS HVM EBS" % version)
    described.update(image_id=image.id, image_name=name, image_version=version)
    _publish(parameters, RECOMMENDED, described)
    _publish(parameters, RECOMMENDED + "/image_id", image.id)
    _publish(parameters, RECOMMENDED + "/image_name", name)
    _publish(parameters, RECOMMENDED + "/image_version", version)
    return {"image_id": image.id, "previous": previous}


route("ecs-ami-release", release)
