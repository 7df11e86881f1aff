"""Waiting for the local service controller's deployments, as ECS's are waited for."""
import json

from ansible_collections.loadbearing.ecs.plugins.modules.local_deployment import replace_file, wait_for_outcomes

WANTED = [{"name": "frontend", "revision": "r2", "image": "127.0.0.1:5050/demo/frontend:2", "min_count": 2, "max_count": 4}]


class Clock(object):
    """A fake clock whose sleep writes the controller's next status, one per second."""

    def __init__(self, path, statuses):
        self.now, self.path, self.statuses = 0.0, path, list(statuses)

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        if self.statuses:
            self.path.write_text(json.dumps({"services": self.statuses.pop(0)}))


def status(state, revision="r2", in_service=2, bounds=(2, 4)):
    return {"frontend": {"deployment": {"revision": revision, "state": state}, "in_service": in_service,
                         "min_count": bounds[0], "max_count": bounds[1]}}


def test_it_waits_until_the_revision_is_in_service_at_its_bounds(tmp_path):
    path = tmp_path / "status.json"
    clock = Clock(path, [status("IN_PROGRESS", revision="r1"), status("COMPLETED", in_service=1),
                         status("COMPLETED")])
    outcomes = wait_for_outcomes(str(path), WANTED, 60, clock, clock.sleep)
    assert [outcome["state"] for outcome in outcomes] == ["COMPLETED"]
    assert clock.now == 3


def test_a_rollback_ends_the_wait_at_once(tmp_path):
    path = tmp_path / "status.json"
    path.write_text(json.dumps({"services": {"frontend": {"deployment": {
        "revision": "r2", "state": "FAILED", "rolled_back_to": "r1", "reason": "its copies did not become healthy"}}}}))
    clock = Clock(path, [])
    outcomes = wait_for_outcomes(str(path), WANTED, 60, clock, clock.sleep)
    assert outcomes[0]["state"] == "FAILED" and "rolled back to r1" in outcomes[0]["message"]
    assert clock.now == 0


def test_at_the_timeout_it_says_where_the_deployment_stands(tmp_path):
    path = tmp_path / "status.json"
    clock = Clock(path, [status("IN_PROGRESS")] * 10)
    outcomes = wait_for_outcomes(str(path), WANTED, 5, clock, clock.sleep)
    assert outcomes[0]["state"] == "IN_PROGRESS" and "still rolling out" in outcomes[0]["message"]
    assert clock.now == 5


def test_a_file_is_replaced_only_when_it_differs(tmp_path):
    path = str(tmp_path / "desired.json")
    assert replace_file(path, b"one", check_mode=True) is True
    assert not (tmp_path / "desired.json").exists()
    assert replace_file(path, b"one", check_mode=False) is True
    assert replace_file(path, b"one", check_mode=False) is False
    assert (tmp_path / "desired.json").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["desired.json"]
