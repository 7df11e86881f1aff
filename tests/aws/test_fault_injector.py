"""ecs_fault_injector against moto's server: StopTask on running tasks, a new deployment once.

moto places no task for a service (it runs no agent), so the tasks here are started with RunTask
on a registered container instance; moto's ListTasks ignores serviceName, so the cluster has one
service.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = os.path.join(ROOT, "plugins", "modules", "ecs_fault_injector.py")
CLUSTER = "faults"


def run_module(emulator, args, tmp_path):
    args_file = tmp_path / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    env = dict(emulator.env, PYTHONPATH=os.path.join(ROOT, "collections"))
    proc = subprocess.run([sys.executable, MODULE, str(args_file)], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    return json.loads(proc.stdout)


def start_tasks(emulator, count):
    ecs, ec2 = emulator.client("ecs"), emulator.client("ec2")
    ecs.create_cluster(clusterName=CLUSTER)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.small")["Instances"][0]
    document = json.dumps({"instanceId": instance["InstanceId"]})
    ecs.register_container_instance(cluster=CLUSTER, instanceIdentityDocument=document)
    ecs.register_task_definition(family="frontend", containerDefinitions=[
        {"name": "frontend", "image": "frontend:1", "memory": 64, "cpu": 64}])
    ecs.create_service(cluster=CLUSTER, serviceName="frontend", taskDefinition="frontend", desiredCount=count)
    tasks = ecs.run_task(cluster=CLUSTER, taskDefinition="frontend", count=count, startedBy="frontend")["tasks"]
    return [task["taskArn"] for task in tasks]


def test_tasks_are_stopped_and_the_service_redeployed(emulator, tmp_path):
    emulator.reset()
    arns = start_tasks(emulator, 4)
    ecs = emulator.client("ecs")
    deployment = ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]["deployments"][0]["id"]
    # No stop file: the runner ends at its maximum duration, after the kills at 1, 2 and 3 s.
    result = run_module(emulator, {"cluster": CLUSTER, "services": ["frontend"], "stop_file": str(tmp_path / "stop"),
                                   "max_duration_s": 4, "seed": 3,
                                   "plan": [{"service": "frontend", "kill_every_s": 1, "restart_once_at_s": 1.5}]},
                        tmp_path)
    assert result.get("failed") is not True, result
    kills = [event for event in result["events"] if event["kind"] == "kill"]
    restarts = [event for event in result["events"] if event["kind"] == "restart"]
    assert len(kills) == 3 and len(restarts) == 1
    assert all(event["result"] == "done" for event in result["events"]), result["events"]
    # Each kill stopped a different task that was running, with the runner's reason.
    assert len(set(event["target"] for event in kills)) == 3 and set(event["target"] for event in kills) <= set(arns)
    stopped = ecs.describe_tasks(cluster=CLUSTER, tasks=[event["target"] for event in kills])["tasks"]
    assert [task["lastStatus"] for task in stopped] == ["STOPPED"] * 3
    assert {task["stoppedReason"] for task in stopped} == {"loadbearing.ecs fault injection"}
    running = ecs.list_tasks(cluster=CLUSTER, desiredStatus="RUNNING")["taskArns"]
    assert len(running) == 1
    # moto does not replace stopped tasks: the samples (each taken before that second's kill)
    # count down as the tasks are stopped.
    assert [sample["copies"]["frontend"] for sample in result["samples"]] == [4, 4, 3, 2]
    after = ecs.describe_services(cluster=CLUSTER, services=["frontend"])["services"][0]["deployments"][0]["id"]
    assert after != deployment


def test_check_mode_stops_nothing(emulator, tmp_path):
    emulator.reset()
    arns = start_tasks(emulator, 2)
    started = time.time()
    result = run_module(emulator, {"cluster": CLUSTER, "services": ["frontend"], "stop_file": str(tmp_path / "stop"),
                                   "plan": [{"service": "frontend", "kill_every_s": 1}], "_ansible_check_mode": True},
                        tmp_path)
    assert result["changed"] is False and result["events"] == []
    assert time.time() - started < 30
    assert sorted(emulator.client("ecs").list_tasks(cluster=CLUSTER, desiredStatus="RUNNING")["taskArns"]) == sorted(arns)
