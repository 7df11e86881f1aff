"""HAProxy and the registry have no one to restart them but podman: killed, they serve again by themselves.

The tests in this module share one small cluster and run in file order.
"""
import copy
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

# The bound for the load balancer or the registry to serve again after its process died.
BACK_WITHIN_S = 2.0


def small(services, frontends=2):
    """The service list with one backend and a few frontends: enough to serve, quick to build."""
    services = copy.deepcopy(services)
    for service in services:
        count = frontends if service.get("public") else 1
        service.update(desired_count=count, min_count=count, max_count=count)
    return services


def in_service(cluster, backend):
    """The servers of a backend HAProxy sends requests to (not in maintenance)."""
    lines = admin_command(cluster, "show servers state %s" % backend).splitlines()[2:]
    # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ...; admin state flags:
    # maintenance 0x23 (forced, inherited, resolution), drain 0x18. 0x04 only records `disabled`
    # in the configuration, which the runtime API's `state ready` overrides.
    return sorted(line.split()[3] for line in lines if line.strip() and int(line.split()[6]) & 0x3B == 0)


def inspect(container):
    proc = subprocess.run(["podman", "container", "inspect", container], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)[0]


def status_of(url, timeout=0.5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


def kill_and_time_until_serving(container, url):
    """kill -9 the container's main process from the host; seconds until a new process answers 200."""
    before = inspect(container)
    killed_pid = before["State"]["Pid"]
    started = time.monotonic()
    os.kill(killed_pid, signal.SIGKILL)
    while time.monotonic() - started < 10:
        state = inspect(container)["State"]
        if state["Pid"] not in (0, killed_pid) and status_of(url) == 200:
            return time.monotonic() - started, before, inspect(container)
        time.sleep(0.02)
    raise AssertionError("%s did not serve %s again within 10 s" % (container, url))


def admin_command(cluster, command):
    """A command on HAProxy's runtime API socket, from the host."""
    with socket.socket(socket.AF_UNIX) as api:
        api.settimeout(5)
        api.connect(os.path.join(cluster.state_dir, "haproxy", "admin.sock"))
        api.sendall(command.encode() + b"\n")
        answer = b""
        while True:
            chunk = api.recv(65536)
            if not chunk:
                return answer.decode()
            answer += chunk


def test_build_runs_haproxy_and_the_registry_supervised(cluster):
    run = cluster.playbook("build.yml", services=small(cluster.services))
    assert run.rc == 0, run.output[-4000:]
    for name in ("itest-haproxy", "itest-registry"):
        container = inspect(name)
        assert container["State"]["Running"], name
        assert container["HostConfig"]["RestartPolicy"]["Name"] == "always", name
        assert container["HostConfig"]["NetworkMode"] == "host", name
        assert container["ImageName"].startswith("localhost/itest/"), name


def test_killed_haproxy_serves_again_by_itself(cluster):
    url = "http://127.0.0.1:%d/" % cluster.public_port
    assert status_of(url) == 200
    elapsed, before, after = kill_and_time_until_serving("itest-haproxy", url)
    print("HAProxy served again %.3f s after kill -9 of its master" % elapsed)
    assert elapsed < BACK_WITHIN_S
    assert after["RestartCount"] == before["RestartCount"] + 1


def test_killed_registry_serves_again_by_itself(cluster):
    url = "http://127.0.0.1:%d/v2/" % cluster.vars["registry_port"]
    assert status_of(url) == 200
    elapsed, before, after = kill_and_time_until_serving("itest-registry", url)
    print("The registry served again %.3f s after kill -9" % elapsed)
    assert elapsed < BACK_WITHIN_S
    assert after["RestartCount"] == before["RestartCount"] + 1


def test_reload_drops_no_request(cluster):
    """SIGUSR2 to the master: new workers take over the listeners, the old ones finish what they hold."""
    backend = next(s for s in cluster.services if not s.get("public"))
    url = "http://127.0.0.1:%d/" % backend["listener_port"]
    statuses, done = [], threading.Event()

    def ask_until_done():
        while not done.is_set():
            statuses.append(status_of(url, timeout=5))

    client = threading.Thread(target=ask_until_done)
    client.start()
    try:
        for _reload in range(3):
            time.sleep(0.5)
            subprocess.run(["podman", "kill", "--signal", "USR2", "itest-haproxy"], capture_output=True, check=True)
        time.sleep(0.5)
    finally:
        done.set()
        client.join()
    assert len(statuses) > 10
    assert set(statuses) == {200}, statuses


def test_reloaded_haproxy_keeps_its_supervision_its_socket_and_its_servers(cluster):
    """A changed health check reloads HAProxy in place (SIGUSR2 to its master); the copies the
    service controller put in service stay in service, and it still comes back when killed."""
    before = inspect("itest-haproxy")
    serving = in_service(cluster, "frontend")
    services = small(cluster.services)
    for service in services:
        service["health_check"] = dict(service["health_check"], unhealthy_threshold=3)
    run = cluster.playbook("build.yml", services=services)
    assert run.rc == 0, run.output[-4000:]
    assert "TASK [loadbearing.ecs.loadbalancer : Reload HAProxy with the new configuration]" in run.output
    reloaded = inspect("itest-haproxy")
    assert reloaded["State"]["Pid"] == before["State"]["Pid"]
    assert reloaded["RestartCount"] == before["RestartCount"]
    assert serving == ["itest-frontend-0", "itest-frontend-1"]
    assert in_service(cluster, "frontend") == serving
    elapsed, _before, _after = kill_and_time_until_serving("itest-haproxy", "http://127.0.0.1:%d/" % cluster.public_port)
    assert elapsed < BACK_WITHIN_S
    # A restarted HAProxy starts from the servers' states the controller saved.
    assert in_service(cluster, "frontend") == serving


def test_a_stop_by_the_user_is_not_undone(cluster):
    subprocess.run(["podman", "stop", "--time", "5", "itest-haproxy"], capture_output=True, check=True)
    time.sleep(1)
    assert not inspect("itest-haproxy")["State"]["Running"]
    # The next stage finds it stopped and starts it again.
    run = cluster.playbook("build.yml", services=small(cluster.services, frontends=1))
    assert run.rc == 0, run.output[-4000:]
    assert inspect("itest-haproxy")["State"]["Running"]


def test_terminate_removes_them_and_their_images_by_label(cluster):
    run = cluster.playbook("terminate.yml", services=small(cluster.services, frontends=1))
    assert run.rc == 0, run.output[-4000:]
    assert cluster.leftovers() == {}
    for component in ("registry", "loadbalancer", "controller"):
        label = "label=loadbearing.ecs.%s=%s" % (component, cluster.name)
        assert cluster.podman_lines("ps", "--all", "--quiet", "--filter", label) == [], component
        assert cluster.podman_lines("images", "--quiet", "--filter", label) == [], component
