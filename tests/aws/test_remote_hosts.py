"""The remote hosts of the AWS platform, reached as on a real account: through Session Manager.

The host-side play of artifacts runs for real through the amazon.aws.aws_ssm connection, the
aws_ec2 inventory and the transfer bucket, against moto's server with a StartSession model and
a session-manager-plugin that opens the shell on a local stand-in for the instance
(tests/aws/ssm). ECR's registry cannot be reached offline: the stand-in resolves its name to a
loopback address where nothing listens, so the play runs up to the login and stops there.
The tests in this module share one emulator and run in file order.
"""
import os
import re
import shutil

import pytest

from conftest import ROOT
from leftovers import leftovers

CLUSTER = "remote"
CLUSTER_VARS = ("-e", "ecs_cluster_name=%s" % CLUSTER)
# Where the stand-in resolves ECR's registry: a loopback address nothing listens on.
NOWHERE = "127.0.0.254"


@pytest.fixture(scope="module")
def aws(emulator):
    emulator.reset()
    return emulator


@pytest.fixture(scope="module")
def standins(aws, tmp_path_factory):
    """The stand-ins' directory, with the names the instances resolve in their VPC."""
    root = tmp_path_factory.mktemp("standins")
    account = aws.client("sts").get_caller_identity()["Account"]
    (root / "hosts").write_text("%s %s.dkr.ecr.us-east-1.amazonaws.com\n" % (NOWHERE, account))
    return root


def test_init_stops_without_the_session_manager_plugin(aws):
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if not os.path.exists(os.path.join(p, "session-manager-plugin")))
    run = aws.playbook("init.yml", *CLUSTER_VARS, env={"PATH": path})
    assert run.rc != 0
    assert "session-manager-plugin is not installed on this machine" in run.output
    assert leftovers(aws, CLUSTER) == {}


def test_init_makes_the_transfer_bucket_and_the_instance_roles(aws):
    run = aws.playbook("init.yml", *CLUSTER_VARS)
    assert run.rc == 0, run.failure()
    bucket = "remote-ssm-%s-us-east-1" % aws.client("sts").get_caller_identity()["Account"]
    assert leftovers(aws, CLUSTER)["s3_buckets"] == [bucket]
    iam = aws.client("iam")
    for role in ("ecs-host", "builder", "loadgen"):
        name = "remote-us-east-1-%s" % role
        attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
        assert "AmazonSSMManagedInstanceCore" in [p["PolicyName"] for p in attached], name


def test_no_session_to_an_instance_without_the_ssm_policy(aws):
    ec2 = aws.client("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    try:
        with pytest.raises(aws.client("ssm").exceptions.ClientError, match="TargetNotConnected"):
            aws.client("ssm").start_session(Target=instance)
    finally:
        ec2.terminate_instances(InstanceIds=[instance])


def test_artifacts_runs_on_the_build_host_through_session_manager(aws, standins):
    # moto serves no Debian AMI parameter and refuses names under /aws/: publish one of its AMIs.
    image = aws.client("ec2").describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    aws.client("ssm").put_parameter(Name="/emulator/debian-12-amd64", Value=image, Type="String", Overwrite=True)
    run = aws.playbook("artifacts.yml", *CLUSTER_VARS, "-e", "images_builder_ami_parameter=/emulator/debian-12-amd64",
                       env={"LOADBEARING_SSM_STANDINS": str(standins)})
    builder = re.search(r"ok: \[(remote-builder-(i-[0-9a-f]+))\]", run.output)
    assert builder, run.failure()
    host, instance_id = builder.groups()
    instance = aws.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance.get("PublicIpAddress") is None
    assert "KeyName" not in instance
    assert instance["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
    # Every task up to the login ran on the build host, through the connection and the bucket.
    for task in ("Install Packer, podman and boto3", "Copy the build files to the build host",
                 "Get a login for the registry from the instance role"):
        assert re.search(r"TASK \[loadbearing\.ecs\.images : %s\][^\n]*\n(ok|changed): \[%s\]" % (re.escape(task), host),
                         run.output), (task, run.failure())
    disk = standins / instance_id / "var-lib-loadbearing-ecs" / CLUSTER / "images"
    assert (disk / "packer" / "service.pkr.hcl").is_file()
    assert (disk / "packer" / "services" / "frontend" / "frontend.py").is_file()
    assert (disk / "files" / "base-image-hook.sh").is_file()
    # ... and stopped at ECR's registry, which nothing serves offline.
    assert re.search(r"TASK \[loadbearing\.ecs\.images : Log podman in to the registry\][^\n]*\nfatal: \[%s\]" % host,
                     run.output), run.failure()
    assert "dial tcp %s:443: connect: connection refused" % NOWHERE in run.output
    # The transfer bucket is left empty: the connection deletes what it moved.
    bucket = leftovers(aws, CLUSTER)["s3_buckets"][0]
    assert aws.client("s3").list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    shutil.rmtree(str(standins / instance_id), ignore_errors=True)


def test_terminate_removes_the_bucket_and_the_remote_hosts(aws):
    bucket = leftovers(aws, CLUSTER)["s3_buckets"][0]
    aws.client("s3").put_object(Bucket=bucket, Key="left/behind", Body=b"by an interrupted run")
    run = aws.playbook("terminate.yml", *CLUSTER_VARS)
    assert run.rc == 0, run.failure()
    assert leftovers(aws, CLUSTER) == {}
