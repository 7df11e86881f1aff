"""The AWS platform against moto's server over HTTP, with nothing but environment variables.

The playbooks carry no endpoint: AWS_ENDPOINT_URL reaches every module, lookup and the aws_ec2
inventory plugin through botocore.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
import yaml

import operator_policy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")
REGION = "us-east-1"
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Run(object):
    def __init__(self, proc):
        self.rc = proc.returncode
        # stdout alone is what a caller parses (warnings of Python libraries go to stderr).
        self.stdout = proc.stdout
        self.output = proc.stdout + proc.stderr
        self.recap = {m.group(1): [int(g) for g in m.groups()[1:]] for m in RECAP.finditer(self.output)}
        self.changed = sum(counts[1] for counts in self.recap.values())

    def result(self):
        """A module's result, from `ansible -m`'s "localhost | SUCCESS => ..." (YAML, as ansible.cfg asks)."""
        assert self.rc == 0, self.output
        return yaml.safe_load(self.stdout.split("=>", 1)[1])

    def failure(self):
        """The failed task and its message, for assertion messages."""
        lines = self.output.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("fatal:") or line.startswith("[ERROR]"):
                start = max(i for i in range(index + 1) if lines[i].startswith("TASK [") or i == 0)
                return "\n".join(lines[start:index + 30])
        return self.output[-3000:]

    def changed_tasks(self):
        tasks, current = [], None
        for line in self.output.splitlines():
            if line.startswith("TASK ["):
                current = line.split("[", 1)[1].split("]")[0]
            elif line.startswith("changed:") and current and current not in tasks:
                tasks.append(current)
        return tasks


class Emulator(object):
    def __init__(self, url, home):
        self.url = url
        self.env = dict(
            os.environ,
            AWS_ENDPOINT_URL=url,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION=REGION,
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
            ANSIBLE_INVENTORY_UNPARSED_FAILED="True",
            ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
            ANSIBLE_HOME=home,
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_NOCOLOR="1",
            # Instances in the emulator never answer SSH: give up on them quickly.
            ANSIBLE_TIMEOUT="3",
            # The Session Manager plugin that opens sessions on local stand-ins (tests/aws/ssm).
            PATH=os.path.join(ROOT, "tests", "aws", "ssm", "bin") + os.pathsep + os.environ["PATH"],
            AWS_SESSION_MANAGER_PLUGIN=os.path.join(ROOT, "tests", "aws", "ssm", "bin", "session-manager-plugin"),
        )
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            self.env.pop(name, None)
        self.admin_keys = ("testing", "testing")

    def client(self, service):
        key, secret = self.admin_keys
        return boto3.client(service, endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=key, aws_secret_access_key=secret)

    def _post(self, path, data=None):
        # Not form-encoded: moto reads reset-auth's count from the raw body.
        request = urllib.request.Request(self.url + path, data=data, method="POST",
                                         headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(request).read()

    def authorize(self, on):
        """Whether the server checks every request against the caller's IAM policies."""
        self._post("/moto-api/reset-auth", b"0" if on else b"inf")

    def user(self, name, policy):
        """An IAM user with this one policy, and its access keys (made while nothing is checked)."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        arn = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(policy))["Policy"]["Arn"]
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
        created = iam.create_access_key(UserName=name)["AccessKey"]
        return created["AccessKeyId"], created["SecretAccessKey"]

    def reset(self):
        """A new account. With docs/aws-operator-policy.json, as a real one is used: the stages run
        as an operator with only that policy (tests/aws/operator_policy.py says what moto checks of
        it), the tests look with an administrator's keys, and every request is authorized."""
        self.authorize(False)
        self._post("/moto-api/reset")
        self.admin_keys = ("testing", "testing")
        if not os.path.exists(operator_policy.PATH) or os.environ.get("LOADBEARING_ACTION_LOG"):
            self.env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
            return
        self.admin_keys = self.user("administrator", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        key, secret = self.user("operator", operator_policy.for_emulator(operator_policy.shipped()))
        self.env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret)
        self.authorize(True)

    def module(self, module, **arguments):
        """One module of the collection on localhost, as `ansible -m` runs it."""
        command = [os.path.join(BIN, "ansible"), "localhost", "-m", module, "-a", json.dumps(arguments)]
        proc = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600, check=False)
        return Run(proc)

    def playbook(self, name, *args, env=None):
        command = [os.path.join(BIN, "ansible-playbook"), "-i", "inventory/aws", os.path.join("playbooks", name)]
        proc = subprocess.run(command + list(args), cwd=ROOT, env=dict(self.env, **(env or {})),
                              capture_output=True, text=True, timeout=1200, check=False)
        return Run(proc)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """moto's server on a random loopback port (tests/aws/moto_server.py says what it adds)."""
    port = free_port()
    log = open(str(tmp_path_factory.mktemp("moto") / "moto.log"), "w")
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    proc = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "moto_server.py"),
                             "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("moto's server did not start")
            time.sleep(0.2)
    yield Emulator(url, str(tmp_path_factory.mktemp("ansible-home")))
    proc.terminate()
    proc.wait(timeout=30)
    log.close()
