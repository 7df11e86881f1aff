"""The remote hosts of the AWS platform, reached as on a real account: through Session Manager.

The host-side plays (artifacts on the build host, throughput on the load generator) run for real
through the amazon.aws.aws_ssm connection, the aws_ec2 inventory and the transfer bucket, against
moto's server with a StartSession model and a session-manager-plugin that opens the shell on a
local stand-in for the instance (tests/aws/ssm).
- ECR's registry cannot be reached offline: the build host's stand-in resolves its name to a
  loopback address where nothing listens, so the play runs up to the login and stops there.
- The public ALB does not exist offline: the load generator's stand-in resolves its name to a
  loopback address where the workload's backend handler answers, and counts what arrives.
The tests in this module share one emulator and run in file order.
"""
import glob
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import BIN, ROOT
from leftovers import leftovers
from ssm.sessions import AGENT_ONLINE_SECONDS

sys.path.insert(0, os.path.join(ROOT, "packer", "services", "backend"))
from backend import BackendHandler  # noqa: E402  the workload's own handler

CLUSTER = "remote"
CLUSTER_VARS = ("-e", "ecs_cluster_name=%s" % CLUSTER)
# Where the stand-in resolves ECR's registry: a loopback address nothing listens on.
NOWHERE = "127.0.0.254"
# Where the load generator resolves the public ALB: the stand-in below listens there.
PUBLIC_ALB = "127.0.0.253"
REQUESTS = 200
# Where the login test resolves ECR's registry: a TLS stand-in for its API root listens there.
REGISTRY = "127.0.0.252"
# The password in moto's ECR tokens: base64 of "AWS:<account>-auth-token".
ECR_PASSWORD = "%s-auth-token"
# Longer than the aws_ssm connection's default ssm_timeout (60 s).
STEP_SECONDS = 65


def task_output(output, role, task):
    """What ansible-playbook printed for one task of a role, up to the next task or recap."""
    start = output.index("TASK [loadbearing.ecs.%s : %s]" % (role, task))
    ends = [i for i in (output.find("\nTASK [", start + 1), output.find("\nPLAY RECAP", start + 1)) if i != -1]
    return output[start:min(ends) if ends else len(output)]


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
    run = aws.playbook("init.yml", *CLUSTER_VARS, env={"PATH": path, "AWS_SESSION_MANAGER_PLUGIN": ""})
    assert run.rc != 0
    assert "session-manager-plugin is not installed on this machine" in run.output
    assert leftovers(aws, CLUSTER) == {}


def test_init_makes_the_transfer_bucket_and_the_instance_roles(aws):
    run = aws.playbook("init.yml", *CLUSTER_VARS)
    assert run.rc == 0, run.failure()
    bucket = "remote-ssm-%s-us-east-1" % aws.client("sts").get_caller_identity()["Account"]
    assert leftovers(aws, CLUSTER)["s3_buckets"] == [bucket]
    iam = aws.client("iam")
    for role, reached in (("ecs-host", False), ("builder", True), ("loadgen", True)):
        name = "remote-us-east-1-%s" % role
        attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
        # Only the hosts Ansible reaches through Session Manager may register with it.
        assert ("AmazonSSMManagedInstanceCore" in [p["PolicyName"] for p in attached]) is reached, name


def test_no_session_to_an_instance_without_the_ssm_policy(aws):
    ec2 = aws.client("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    try:
        with pytest.raises(aws.client("ssm").exceptions.ClientError, match="TargetNotConnected"):
            aws.client("ssm").start_session(Target=instance)
    finally:
        ec2.terminate_instances(InstanceIds=[instance])


def publish_a_debian_ami(aws):
    # moto serves no Debian AMI parameter and refuses names under /aws/: publish one of its AMIs.
    image = aws.client("ec2").describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    aws.client("ssm").put_parameter(Name="/emulator/debian-12-amd64", Value=image, Type="String", Overwrite=True)


def test_a_build_host_whose_agent_never_comes_online_is_replaced_then_reported(aws, standins):
    # The agent comes online AGENT_ONLINE_SECONDS after boot: a shorter wait sees it never online.
    publish_a_debian_ami(aws)
    run = aws.playbook("artifacts.yml", *CLUSTER_VARS, "-e", "images_builder_ami_parameter=/emulator/debian-12-amd64",
                       "-e", "images_remote_host_agent_timeout_s=%d" % (AGENT_ONLINE_SECONDS // 3),
                       env={"LOADBEARING_SSM_STANDINS": str(standins)})
    assert run.rc != 0
    replaced = re.findall(r"The builder host (i-[0-9a-f]+) ran [0-9.]+ s without its SSM agent coming online "
                          r"\(unregistered\): terminating it( and starting another)?", " ".join(run.output.split()))
    assert [bool(again) for _instance, again in replaced] == [True, False], run.output
    assert replaced[0][0] != replaced[1][0]
    assert "No builder host became reachable through Session Manager" in run.failure()
    states = [aws.client("ec2").describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0]["State"]["Name"]
              for i, _again in replaced]
    assert states == ["terminated", "terminated"]


def test_artifacts_runs_on_the_build_host_through_session_manager(aws, standins):
    publish_a_debian_ami(aws)
    run = aws.playbook("artifacts.yml", *CLUSTER_VARS, "-e", "images_builder_ami_parameter=/emulator/debian-12-amd64",
                       env={"LOADBEARING_SSM_STANDINS": str(standins)})
    builder = re.search(r"ok: \[(remote-builder-(i-[0-9a-f]+))\]", run.output)
    assert builder, run.failure()
    host, instance_id = builder.groups()
    # EC2 said running AGENT_ONLINE_SECONDS before the agent came online: the stage waited for it.
    waited = task_output(run.output, "images", "Wait until Session Manager reaches the remote host: builder")
    assert "ok: [localhost]" in waited
    instance = aws.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance.get("PublicIpAddress") is None
    assert "KeyName" not in instance
    assert instance["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
    # Every task up to the login ran on the build host, through the connection and the bucket.
    for task in ("Install Packer, podman and boto3", "Copy the Packer directory to the build host"):
        assert re.search(r"^(ok|changed): \[%s\]" % host, task_output(run.output, "images", task), re.M), task
    disk = standins / instance_id / "var-lib-loadbearing-ecs" / CLUSTER / "images"
    assert (disk / "packer" / "service.pkr.hcl").is_file()
    assert (disk / "packer" / "services" / "frontend" / "frontend.py").is_file()
    assert (disk / "packer" / "base" / "hook.sh").is_file()
    # The retry proxy's recipe and files too: the frontend's tasks carry it, and ECR lacks it.
    assert (disk / "packer" / "retry-proxy" / "app" / "retry_policy.lua").is_file()
    assert (disk / "packer" / "retry-proxy" / "recipe.json").is_file()
    # ... and stopped at ECR's registry, which nothing serves offline, having got ECR's token as
    # root from the instance role, and shown it nowhere.
    login = " ".join(task_output(run.output, "images", "Log podman in to the registry from the instance role").split())
    account = aws.client("sts").get_caller_identity()["Account"]
    assert "fatal: [%s]" % host in login
    assert ("Cannot reach the registry %s.dkr.ecr.us-east-1.amazonaws.com to check the login" % account) in login
    assert "Connection refused" in login
    assert ECR_PASSWORD % account not in run.output
    assert not (standins / instance_id / "run-containers-0" / "auth.json").exists()
    # The transfer bucket is left empty: the connection deletes what it moved.
    bucket = leftovers(aws, CLUSTER)["s3_buckets"][0]
    assert aws.client("s3").list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_a_step_longer_than_a_minute_completes_on_a_remote_host(aws, standins):
    # The connection's default ssm_timeout (60 s) would end this command and run it again.
    ec2 = aws.client("ec2")
    instance_id = ec2.describe_instances(Filters=[{"Name": "tag:role", "Values": ["builder"]},
                                                  {"Name": "instance-state-name", "Values": ["stopped", "running"]}]
                                         )["Reservations"][0]["Instances"][0]["InstanceId"]
    ec2.start_instances(InstanceIds=[instance_id])
    # Started again, the host is reachable only once its agent is online again.
    with pytest.raises(aws.client("ssm").exceptions.ClientError, match="TargetNotConnected"):
        aws.client("ssm").start_session(Target=instance_id)
    run = aws.module("loadbearing.ecs.ssm_agent_online", instance_ids=[instance_id], timeout=60, delay=1)
    assert run.result()["online"] is True
    assert run.result()["waited_s"] >= AGENT_ONLINE_SECONDS / 2
    marker = "/var/lib/loadbearing-ecs/slept-%d" % STEP_SECONDS
    proc = subprocess.run([os.path.join(BIN, "ansible"), "-i", "inventory/aws", "role_builder", "-m", "ansible.builtin.shell",
                           "-a", "sleep %d && echo once >> %s && cat %s" % (STEP_SECONDS, marker, marker)],
                          cwd=ROOT, env=dict(aws.env, LOADBEARING_SSM_STANDINS=str(standins)),
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Ran once, to its end, on one session.
    assert proc.stdout.strip().endswith("once"), proc.stdout
    assert (standins / instance_id / "var-lib-loadbearing-ecs" / ("slept-%d" % STEP_SECONDS)).read_text() == "once\n"


def test_a_step_longer_than_the_connections_ssm_timeout_is_cut(aws, standins):
    # What the inventory's ansible_aws_ssm_timeout prevents: the connection ends a command that
    # runs past it (and would run the module again on a new session, were retries left).
    marker = "/var/lib/loadbearing-ecs/cut-short"
    proc = subprocess.run([os.path.join(BIN, "ansible"), "-i", "inventory/aws", "role_builder", "-m", "ansible.builtin.shell",
                           "-a", "sleep 12 && echo done >> %s" % marker,
                           "-e", "ansible_aws_ssm_timeout=4", "-e", "ansible_aws_ssm_retries=0"],
                          cwd=ROOT, env=dict(aws.env, LOADBEARING_SSM_STANDINS=str(standins)),
                          capture_output=True, text=True, timeout=600, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert re.search(r"EXEC command '.*AnsiballZ_command\.py.*' timeout on host: i-[0-9a-f]+", " ".join(output.split())), output
    instance_id = re.search(r"remote-builder-(i-[0-9a-f]+)", output).group(1)
    time.sleep(12)
    # The session's end took the command with it: it never finished.
    assert not (standins / instance_id / "var-lib-loadbearing-ecs" / "cut-short").exists()


class RegistryStandIn(BaseHTTPRequestHandler):
    """ECR's registry API root, over TLS, as `podman login` asks it: 200 for the right basic
    credentials, 401 otherwise."""
    accepted = None
    asked = 0

    def do_GET(self):  # noqa: N802 (http.server naming)
        type(self).asked += 1
        ok = self.path == "/v2/" and self.headers.get("Authorization") == "Basic %s" % self.accepted
        self.send_response(200 if ok else 401)
        if not ok:
            self.send_header("WWW-Authenticate", 'Basic realm="https://ecr.example/"')
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_the_registry_login_is_stored_for_roots_podman_and_shown_nowhere(aws, standins, tmp_path):
    # The build host started by the test above. Its registry's name resolves to a TLS stand-in
    # on loopback; the certificate is the stand-in's own, given as the CA to trust.
    ec2 = aws.client("ec2")
    instance_id = ec2.describe_instances(Filters=[{"Name": "tag:role", "Values": ["builder"]},
                                                  {"Name": "instance-state-name", "Values": ["running"]}]
                                         )["Reservations"][0]["Instances"][0]["InstanceId"]
    account = aws.client("sts").get_caller_identity()["Account"]
    registry = "%s.dkr.ecr.us-east-1.amazonaws.com" % account
    token = aws.client("ecr").get_authorization_token()["authorizationData"][0]["authorizationToken"]
    certificate, key = str(tmp_path / "registry.pem"), str(tmp_path / "registry.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=%s" % registry,
                    "-addext", "subjectAltName=DNS:%s" % registry, "-keyout", key, "-out", certificate],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server = ThreadingHTTPServer((REGISTRY, 443), RegistryStandIn)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hosts = standins / "hosts"
    usual = hosts.read_text()
    hosts.write_text("%s %s\n" % (REGISTRY, registry))
    auth_file = standins / instance_id / "run-containers-0" / "auth.json"

    def login():
        proc = subprocess.run([os.path.join(BIN, "ansible"), "-i", "inventory/aws", "role_builder", "--become", "-v",
                               "-m", "loadbearing.ecs.ecr_login", "-a", json.dumps({"ca_path": certificate})],
                              cwd=ROOT, env=dict(aws.env, LOADBEARING_SSM_STANDINS=str(standins)),
                              capture_output=True, text=True, timeout=600, check=False)
        assert ECR_PASSWORD % account not in proc.stdout + proc.stderr and token not in proc.stdout + proc.stderr
        return proc
    try:
        # A registry that refuses the token: the login fails, and nothing is stored.
        RegistryStandIn.accepted = "not-" + token
        refused = login()
        assert refused.returncode != 0
        assert "The registry %s refused ECR's own token (HTTP 401)" % registry in " ".join(refused.stdout.split())
        assert not auth_file.exists()
        # The registry takes it: stored for root's podman, readable by root only.
        RegistryStandIn.accepted = token
        first = login()
        assert first.returncode == 0, first.stdout + first.stderr
        assert "CHANGED" in first.stdout and "/run/containers/0/auth.json" in first.stdout
        assert json.loads(auth_file.read_text()) == {"auths": {registry: {"auth": token}}}
        assert oct(auth_file.stat().st_mode & 0o777) == "0o600"
        # Again: the stored login still works, so it is kept.
        asked = RegistryStandIn.asked
        again = login()
        assert again.returncode == 0 and "SUCCESS" in again.stdout, again.stdout + again.stderr
        assert RegistryStandIn.asked == asked + 1
    finally:
        hosts.write_text(usual)
        server.shutdown()
        server.server_close()
        ec2.stop_instances(InstanceIds=[instance_id])
        shutil.rmtree(str(standins / instance_id), ignore_errors=True)


def test_build_deploys_the_services(aws, tmp_path):
    account = aws.client("sts").get_caller_identity()["Account"]
    refs = tmp_path / "images.json"
    refs.write_text(json.dumps({"ecs_images": {
        service: "%s.dkr.ecr.us-east-1.amazonaws.com/%s/%s:0123456789abcdef" % (account, CLUSTER, service)
        for service in ("backend", "frontend", "retry-proxy")}}))
    run = aws.playbook("build.yml", *CLUSTER_VARS, "-e", "@%s" % refs)
    assert run.rc == 0, run.failure()


class ServiceBehindTheALB(BackendHandler):
    """The workload's backend answering for the public ALB; the Nth request stops one ECS task
    of the frontend, as a crash during the run does."""
    error_rate = 0
    received = 0
    crash_at = REQUESTS // 2
    crash = None
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 (http.server naming)
        with self.lock:
            type(self).received += 1
            crash_now = self.received == self.crash_at
        if crash_now:
            self.crash()
        super().do_GET()


class SidecarLog(threading.Thread):
    """Stands in for the frontend task's retry-proxy sidecar: every second it logs its counters,
    a call to the backend per request that reached the service behind the ALB, to the task's
    stream of the cluster's log group, as awslogs carries the real one's lines there."""

    def __init__(self, logs, task_id):
        super().__init__(daemon=True)
        self.logs, self.stream = logs, "frontend-retry-proxy/retry-proxy/%s" % task_id
        self.stopped = threading.Event()
        logs.create_log_stream(logGroupName="/loadbearing/%s" % CLUSTER, logStreamName=self.stream)

    def run(self):
        while not self.stopped.wait(1.0):
            calls = ServiceBehindTheALB.received
            line = ('retry-policy counters {"retry_policies":{"backend":{"calls":%d,"attempts":%d,"retries":0,'
                    '"budget_exhausted":0,"gave_up":0,"failures":{"connect_failure":0,"timeout":0,"status":0,'
                    '"body":0},"budget_tokens":10.000}}}' % (calls, calls))
            self.logs.put_log_events(logGroupName="/loadbearing/%s" % CLUSTER, logStreamName=self.stream,
                                     logEvents=[{"timestamp": int(time.time() * 1000), "message": line}])


def test_throughput_runs_ab_on_the_load_generator(aws, standins, tmp_path):
    ecs, ec2 = aws.client("ecs"), aws.client("ec2")
    # A frontend task that runs on a registered container instance, for the crash to stop.
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    host = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    document = json.dumps({"instanceId": host, "region": "us-east-1", "availabilityZone": "us-east-1a"})
    instance = ecs.register_container_instance(cluster=CLUSTER, instanceIdentityDocument=document)
    task = ecs.start_task(cluster=CLUSTER, taskDefinition="%s-frontend" % CLUSTER, group="service:frontend",
                          containerInstances=[instance["containerInstance"]["containerInstanceArn"]])["tasks"][0]
    ServiceBehindTheALB.crash = staticmethod(lambda: ecs.stop_task(cluster=CLUSTER, task=task["taskArn"],
                                                                   reason="Essential container in task exited"))
    alb = aws.client("elbv2").describe_load_balancers(Names=["%s-public" % CLUSTER])["LoadBalancers"][0]["DNSName"]
    with open(str(standins / "hosts"), "a") as hosts:
        hosts.write("%s %s\n" % (PUBLIC_ALB, alb))
    server = ThreadingHTTPServer((PUBLIC_ALB, 8080), ServiceBehindTheALB)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sidecar = SidecarLog(aws.client("logs"), task["taskArn"].split("/")[-1])
    sidecar.start()
    try:
        # moto serves no Debian AMI parameter: the one published by the artifacts test.
        run = aws.playbook("throughput.yml", *CLUSTER_VARS, "-e", "benchmark_requests=%d" % REQUESTS,
                           "-e", "benchmark_report_root=%s" % tmp_path,
                           "-e", "benchmark_loadgen_ami_parameter=/emulator/debian-12-amd64",
                           env={"LOADBEARING_SSM_STANDINS": str(standins)})
    finally:
        sidecar.stopped.set()
        server.shutdown()
        server.server_close()
    assert run.rc == 0, run.failure()
    loadgen = re.search(r"^ok: \[(remote-loadgen-(i-[0-9a-f]+))\]$",
                        task_output(run.output, "benchmark", "Run ApacheBench against http://%s:8080/" % alb), re.M)
    assert loadgen, run.failure()
    assert ServiceBehindTheALB.received == REQUESTS
    report = json.load(open(glob.glob(str(tmp_path / CLUSTER / "*" / "report.json"))[0]))
    assert report["platform"] == "aws"
    assert report["apachebench"]["complete_requests"] == REQUESTS
    assert report["apachebench"]["client_visible_errors"] == 0
    # The crash during the run is the frontend's one restart, counted from ECS's stopped tasks.
    assert report["context"] == {"frontend_restarts_during_run": 1, "backend_restarts_during_run": 0}
    # What the frontend's sidecar did, read back from its log: a call to the backend per request.
    assert report["retry_policies"]["backend"]["calls"] == REQUESTS
    markdown = open(glob.glob(str(tmp_path / CLUSTER / "*" / "report.md"))[0]).read()
    assert "| backend | %d | %d |" % (REQUESTS, REQUESTS) in markdown
    assert "Counted from the logs of the retry-proxy sidecars of 1 task(s)" in markdown
    # The load generator is put away after the run.
    instance_id = loadgen.group(2)
    state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state in ("stopping", "stopped")
    ec2.terminate_instances(InstanceIds=[host])


def test_terminate_removes_the_bucket_and_the_remote_hosts(aws):
    bucket = leftovers(aws, CLUSTER)["s3_buckets"][0]
    aws.client("s3").put_object(Bucket=bucket, Key="left/behind", Body=b"by an interrupted run")
    run = aws.playbook("terminate.yml", *CLUSTER_VARS)
    assert run.rc == 0, run.failure()
    assert leftovers(aws, CLUSTER) == {}
