"""The local service controller's decisions (plugins/module_utils/scaling.py), one function at a time.

parse_stat reads a recorded `show stat` of a real HAProxy 2.6 (fixtures/haproxy/show_stat.*: the
configuration, how it was recorded and what it showed). The rest are pure functions of samples,
counts and definitions.
"""
import copy
import json
import math
import os

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils import scaling

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "haproxy")
with open(os.path.join(FIXTURES, "show_stat.txt")) as handle:
    SHOW_STAT = handle.read()
with open(os.path.join(FIXTURES, "show_stat.json")) as handle:
    SHOW_STAT_EXPECTED = json.load(handle)["rows"]


# -- parse_stat, service_sample -------------------------------------------------------------

def test_parse_stat_reads_every_row_of_a_recorded_show_stat():
    rows = scaling.parse_stat(SHOW_STAT)
    assert sorted("%s/%s" % key for key in rows) == sorted(SHOW_STAT_EXPECTED)


@pytest.mark.parametrize("row", sorted(SHOW_STAT_EXPECTED))
def test_parse_stat_fields_of_a_recorded_show_stat(row):
    parsed = scaling.parse_stat(SHOW_STAT)[tuple(row.split("/"))]
    assert dict((field, parsed[field]) for field in SHOW_STAT_EXPECTED[row]) == SHOW_STAT_EXPECTED[row]


def test_parse_stat_keeps_words_and_numbers_apart():
    server = scaling.parse_stat(SHOW_STAT)[("web", "rec-web-0")]
    assert server["check_status"] == "L7OK" and isinstance(server["stot"], int)
    assert server["pxname"] == "web" and server["svname"] == "rec-web-0"
    # Blank fields are None, not "" nor 0: the frontend has no queue at all.
    assert scaling.parse_stat(SHOW_STAT)[("web", "FRONTEND")]["qcur"] is None


@pytest.mark.parametrize("text", ["", "\n", "Unknown command. Please enter one of the following commands only :\n"])
def test_parse_stat_of_no_statistics_is_empty(text):
    assert scaling.parse_stat(text) == {}


def test_service_sample_of_a_recorded_show_stat():
    # UP counts; DRAIN (leaving) and MAINT (no copy on the slot) do not.
    sample = scaling.service_sample(scaling.parse_stat(SHOW_STAT), "web", 1000.0)
    assert sample == {"time": 1000.0, "requests": 8, "queue": 1, "in_service": 1}


@pytest.mark.parametrize("status, counted", [
    ("UP", True), ("UP 1/2", True), ("DOWN", False), ("DOWN 1/2", False), ("DRAIN", False), ("MAINT", False),
    ("NOLB", False), (None, False),
])
def test_service_sample_counts_copies_in_service(status, counted):
    rows = {("web", "FRONTEND"): {"req_tot": 5}, ("web", "BACKEND"): {"qcur": 0, "status": "UP"},
            ("web", "c-web-0"): {"status": "UP"}, ("web", "c-web-1"): {"status": status},
            ("other", "c-other-0"): {"status": "UP"}}
    assert scaling.service_sample(rows, "web", 1.0)["in_service"] == (2 if counted else 1)


def test_service_sample_of_a_service_haproxy_does_not_know():
    assert scaling.service_sample({}, "web", 7.0) == {"time": 7.0, "requests": 0, "queue": 0, "in_service": 0}


# -- requests_per_copy_per_minute -----------------------------------------------------------

def samples(rates, copies=2, start=1000.0, requests=0):
    """One sample a second; rates[i] requests arrive in second i (per service, not per copy)."""
    result = [{"time": start, "requests": requests, "queue": 0, "in_service": copies}]
    for rate in rates:
        requests += rate
        result.append({"time": result[-1]["time"] + 1, "requests": requests, "queue": 0, "in_service": copies})
    return result


def test_rate_per_copy_per_minute_over_the_window():
    # 20 requests a second for two copies: 600 per copy per minute.
    history = samples([20] * 10)
    assert scaling.requests_per_copy_per_minute(history, 5, history[-1]["time"]) == pytest.approx(600.0)


def test_only_the_window_counts():
    # A burst 8 s ago is outside a 5 s window but inside a 15 s one.
    history = samples([100, 100, 0, 0, 0, 0, 0, 0, 0, 0])
    now = history[-1]["time"]
    assert scaling.requests_per_copy_per_minute(history, 5, now) == 0.0
    assert scaling.requests_per_copy_per_minute(history, 15, now) == pytest.approx(200 * 60.0 / 10 / 2)


def test_copies_are_averaged_over_the_window():
    history = samples([30] * 5, copies=3)
    for sample in history[1:3]:
        sample["in_service"] = 1
    # 150 requests in 5 s with (1 + 1 + 3 + 3 + 3) / 5 = 2.2 copies on average.
    assert scaling.requests_per_copy_per_minute(history, 5, history[-1]["time"]) == pytest.approx(150 * 12 / 2.2)


def test_a_counter_reset_starts_the_window_again():
    # HAProxy restarted after the fourth second: its counter starts from 0.
    before = samples([50] * 4)
    after = samples([10] * 4, start=before[-1]["time"] + 1, requests=0)
    history = before + after
    # 4 s since the restart, 10 requests a second for two copies.
    assert scaling.requests_per_copy_per_minute(history, 8, history[-1]["time"]) == pytest.approx(10 * 60.0 / 2)
    # The samples before the restart do not count towards the span either.
    assert scaling.requests_per_copy_per_minute(history, 10, history[-1]["time"]) is None


@pytest.mark.parametrize("history, window", [
    ([], 5),
    (samples([]), 5),
    (samples([10]), 5),            # 1 s of a 5 s window: less than half
    (samples([10, 10]), 5),        # 2 s: still less than half
    (samples([10] * 6), 15),       # 6 s of 15
])
def test_too_short_a_span_measures_nothing(history, window):
    now = history[-1]["time"] if history else 0
    assert scaling.requests_per_copy_per_minute(history, window, now) is None


def test_half_a_window_is_enough():
    history = samples([10] * 3)
    assert scaling.requests_per_copy_per_minute(history, 5, history[-1]["time"]) == pytest.approx(300.0)


def test_samples_too_old_for_the_window_measure_nothing():
    history = samples([10] * 10)
    assert scaling.requests_per_copy_per_minute(history, 5, history[-1]["time"] + 60) is None


def test_no_copy_in_service_measures_nothing():
    history = samples([10] * 10, copies=0)
    assert scaling.requests_per_copy_per_minute(history, 5, history[-1]["time"]) is None


# -- target_tracking ------------------------------------------------------------------------

def scaled(low=2, high=10, target=420, out_cooldown=15, in_cooldown=60):
    return {"name": "web", "min_count": low, "max_count": high, "target": target,
            "scale_out_cooldown_s": out_cooldown, "scale_in_cooldown_s": in_cooldown}


def steady(per_copy_per_minute, count, seconds=20, start=1000.0):
    """Samples of count copies each receiving per_copy_per_minute requests a minute."""
    return samples([per_copy_per_minute * count / 60.0] * seconds, copies=count, start=start)


NOW = 1020.0  # the last sample of steady()


@pytest.mark.parametrize("measured, count, wanted", [
    (600, 4, math.ceil(4 * 600 / 420.0)),     # 6
    (840, 4, 8),
    (430, 4, 5),                              # just above the target
    (4200, 4, 10),                            # clamped to max_count
])
def test_scale_out_above_the_target(measured, count, wanted):
    decision = scaling.target_tracking(scaled(), count, steady(measured, count), NOW, None, None)
    assert decision[0] == wanted
    assert "above the target 420" in decision[1]


@pytest.mark.parametrize("measured", [420, 400, 380])
def test_no_change_at_or_just_below_the_target(measured):
    # At the target, or between 90% and 100% of it: neither out nor in.
    assert scaling.target_tracking(scaled(), 4, steady(measured, 4), NOW, None, None) is None


def test_at_max_count_there_is_nothing_to_add():
    assert scaling.target_tracking(scaled(high=4), 4, steady(1000, 4), NOW, None, None) is None


@pytest.mark.parametrize("since_scale_out, scales", [(5, False), (14.9, False), (15, True), (100, True)])
def test_scale_out_cooldown(since_scale_out, scales):
    decision = scaling.target_tracking(scaled(), 4, steady(840, 4), NOW, NOW - since_scale_out, None)
    assert (decision is not None) is scales


def test_a_scale_in_does_not_hold_up_a_scale_out():
    decision = scaling.target_tracking(scaled(), 4, steady(840, 4), NOW, None, NOW - 1)
    assert decision[0] == 8


@pytest.mark.parametrize("measured, count, wanted", [
    (100, 8, 2),                              # ceil(8 * 100 / 420) = 2
    (300, 8, 6),                              # ceil(5.71)
    (0, 8, 2),                                # no load: down to min_count
])
def test_scale_in_below_90_percent_of_the_target(measured, count, wanted):
    decision = scaling.target_tracking(scaled(), count, steady(measured, count), NOW, None, None)
    assert decision[0] == wanted
    assert "below 90% of the target 420" in decision[1]


@pytest.mark.parametrize("last_out, last_in, scales", [
    (NOW - 30, None, False),                  # the scale-in cooldown follows a scale-out too
    (None, NOW - 59, False),
    (None, NOW - 60, True),
    (NOW - 61, NOW - 70, True),
])
def test_scale_in_cooldown(last_out, last_in, scales):
    decision = scaling.target_tracking(scaled(), 8, steady(100, 8), NOW, last_out, last_in)
    assert (decision is not None) is scales


def test_scale_in_waits_a_whole_window_even_with_a_shorter_cooldown():
    # The 15 s window must describe the current count only.
    definition = scaled(in_cooldown=0)
    assert scaling.target_tracking(definition, 8, steady(100, 8), NOW, None, NOW - 10) is None
    assert scaling.target_tracking(definition, 8, steady(100, 8), NOW, None, NOW - 15)[0] == 2


def test_scale_in_needs_the_long_window():
    # The 15 s window measures once its samples span half of it, 7.5 s.
    short = steady(100, 8, seconds=7)
    assert scaling.target_tracking(scaled(), 8, short, short[-1]["time"], None, None) is None
    longer = steady(100, 8, seconds=8)
    assert scaling.target_tracking(scaled(), 8, longer, longer[-1]["time"], None, None)[0] == 2


@pytest.mark.parametrize("count, bounds, wanted", [
    (1, (2, 10), 2),
    (12, (2, 10), 10),
    (5, (6, 6), 6),
])
def test_changed_bounds_clamp_with_a_reason(count, bounds, wanted):
    decision = scaling.target_tracking(scaled(*bounds), count, [], NOW, NOW, NOW)
    assert decision == (wanted, "the bounds are now %d-%d" % bounds)


@pytest.mark.parametrize("target", [None, 0])
def test_no_target_no_scaling(target):
    assert scaling.target_tracking(scaled(target=target), 4, steady(5000, 4), NOW, None, None) is None
    assert scaling.target_tracking(scaled(low=6, target=target), 4, [], NOW, None, None) is None


def test_nothing_measured_nothing_decided():
    assert scaling.target_tracking(scaled(), 4, [], NOW, None, None) is None
    assert scaling.target_tracking(scaled(), 4, steady(5000, 4, seconds=1), NOW - 19, None, None) is None


# -- rolling out ----------------------------------------------------------------------------

@pytest.mark.parametrize("minimum, maximum, desired, bounds", [
    (100, 200, 1, (1, 2)),
    (100, 200, 3, (3, 6)),
    (50, 100, 1, (1, 2)),      # ceil(0.5) = 1 and floor(1) = 1 would block: one more may start
    (50, 100, 3, (2, 3)),      # ceil(1.5) = 2
    (0, 100, 1, (0, 1)),
    (0, 100, 3, (0, 3)),
    (100, 150, 1, (1, 2)),     # floor(1.5) = 1 would block
    (100, 150, 3, (3, 4)),     # floor(4.5) = 4
    (100, 100, 3, (3, 4)),
    (75, 125, 4, (3, 5)),
    (100, 200, 0, (0, 1)),
])
def test_rollout_bounds_round_like_ecs(minimum, maximum, desired, bounds):
    deployment = {"minimum_healthy_percent": minimum, "maximum_percent": maximum}
    assert scaling.rollout_bounds(desired, deployment) == bounds


@pytest.mark.parametrize("minimum, maximum, desired, old, new_healthy, step", [
    (100, 200, 3, 3, 0, (3, 0)),     # start a whole new set first
    (100, 200, 3, 3, 3, (0, 3)),     # then stop the old one
    (100, 150, 3, 3, 0, (1, 0)),     # one at a time
    (100, 150, 3, 3, 1, (0, 1)),
    (50, 100, 4, 4, 0, (0, 2)),      # room is made first: stop half
    (50, 100, 4, 2, 0, (2, 0)),
    (0, 100, 1, 1, 0, (0, 1)),
    (100, 200, 2, 4, 0, (0, 2)),     # more old copies than desired: the extra ones go at once
    (100, 200, 3, 0, 3, (0, 0)),     # done
])
def test_rollout_step(minimum, maximum, desired, old, new_healthy, step):
    deployment = {"minimum_healthy_percent": minimum, "maximum_percent": maximum}
    assert scaling.rollout_step(desired, deployment, old, new_healthy, 0) == step


def test_copies_still_starting_take_room_but_do_not_count_as_healthy():
    deployment = {"minimum_healthy_percent": 100, "maximum_percent": 150}
    assert scaling.rollout_step(4, deployment, 4, 0, 2) == (0, 0)
    assert scaling.rollout_step(4, deployment, 4, 2, 0) == (0, 2)


def roll_out(desired, deployment, old):
    """Run rollout_step as the controller's roll_out does, new copies healthy at once; record
    each moment's (healthy copies, all copies). Raises when no step is possible."""
    moments = []
    new = 0
    while old or new < desired:
        start, stop = scaling.rollout_step(desired, deployment, old, new, 0)
        if start:
            new += start
            moments.append((old + new, old + new))
            start, stop = scaling.rollout_step(desired, deployment, old, new, 0)
        if stop:
            old -= stop
            moments.append((old + new, old + new))
        if not old and new >= desired:
            break
        if not start and not stop:
            raise AssertionError("stuck with %d old and %d new copies" % (old, new))
    return moments


@pytest.mark.parametrize("minimum", [0, 25, 50, 75, 100])
@pytest.mark.parametrize("maximum", [100, 101, 125, 150, 200, 400])
@pytest.mark.parametrize("desired", [1, 2, 3, 4, 7, 10])
def test_a_rollout_always_finishes_within_its_bounds(minimum, maximum, desired):
    deployment = {"minimum_healthy_percent": minimum, "maximum_percent": maximum}
    fewest, most = scaling.rollout_bounds(desired, deployment)
    moments = roll_out(desired, deployment, desired)
    assert moments[-1] == (desired, desired)
    assert all(fewest <= healthy and total <= most for healthy, total in moments), moments


# -- definitions, revision, starting_count, health_deadline_s --------------------------------

SERVICES = [
    {"name": "backend", "port": 8000, "desired_count": 2, "environment": {"MODE": "fast"},
     "health_check": {"path": "/", "interval_s": 5, "timeout_s": 2, "healthy_threshold": 2, "unhealthy_threshold": 3}},
    {"name": "frontend", "port": 8000, "desired_count": 4, "min_count": 3, "max_count": 12,
     "requests_per_target": 300, "scale_in_cooldown_s": 30, "deployment": {"maximum_percent": 150},
     "endpoints": {"BACKEND_URL": "backend"},
     "health_check": {"path": "/health", "interval_s": 10, "timeout_s": 2, "healthy_threshold": 3,
                      "unhealthy_threshold": 2}},
]
IMAGES = {"backend": "127.0.0.1:5050/demo/backend:aaaa", "frontend": "127.0.0.1:5050/demo/frontend:bbbb"}
ENDPOINTS = {"backend": "http://127.0.0.1:8081/", "frontend": "http://127.0.0.1:8080/"}


def defined(services=None, images=None, stop_timeout_s=None, **options):
    """The definitions; a stop timeout given here is every service's stop_timeout_s field."""
    services = copy.deepcopy(services or SERVICES)
    if stop_timeout_s is not None:
        for service in services:
            service["stop_timeout_s"] = stop_timeout_s
    return scaling.definitions(services, 20000, images or IMAGES, ENDPOINTS, **options)


def test_definitions_in_list_order_with_their_ports_and_images():
    backend, frontend = defined()
    assert (backend["name"], backend["first_port"], backend["image"]) == ("backend", 20000, IMAGES["backend"])
    assert (frontend["name"], frontend["first_port"], frontend["image"]) == ("frontend", 20100, IMAGES["frontend"])


def test_endpoints_become_environment_variables_beside_the_others():
    backend, frontend = defined()
    assert backend["environment"] == {"MODE": "fast"}
    assert frontend["environment"] == {"BACKEND_URL": "http://127.0.0.1:8081/"}


def test_an_unscaled_service_gets_fixed_bounds_and_every_default():
    backend = defined()[0]
    assert (backend["desired_count"], backend["min_count"], backend["max_count"], backend["target"]) == (2, 2, 2, None)
    assert backend["deployment"] == scaling.DEPLOYMENT_DEFAULTS
    assert backend["scale_out_cooldown_s"] == scaling.SCALING_DEFAULTS["scale_out_cooldown_s"]
    assert backend["scale_in_cooldown_s"] == scaling.SCALING_DEFAULTS["scale_in_cooldown_s"]
    assert (backend["stop_timeout_s"], backend["health_check_grace_s"]) == (5, 0)


def test_a_scaled_service_keeps_what_it_sets_and_gets_the_rest():
    frontend = defined(stop_timeout_s=9, health_check_grace_s=4)[1]
    assert (frontend["min_count"], frontend["max_count"], frontend["target"]) == (3, 12, 300)
    assert frontend["scale_in_cooldown_s"] == 30
    assert frontend["scale_out_cooldown_s"] == scaling.SCALING_DEFAULTS["scale_out_cooldown_s"]
    assert frontend["deployment"] == {"minimum_healthy_percent": 100, "maximum_percent": 150}
    assert (frontend["stop_timeout_s"], frontend["health_check_grace_s"]) == (9, 4)


def test_a_scaled_service_without_target_or_min_count_gets_the_defaults():
    services = [dict(SERVICES[1], min_count=None, requests_per_target=None)]
    services[0].pop("requests_per_target")
    services[0].pop("min_count")
    frontend = defined(services)[0]
    assert (frontend["min_count"], frontend["target"]) == (4, scaling.SCALING_DEFAULTS["requests_per_target"])


def revision_of(position=1, images=None, **changes):
    services = copy.deepcopy(SERVICES)
    services[position].update(changes)
    return defined(services, images)[position]["revision"]


def test_the_revision_is_a_short_digest_that_does_not_change_by_itself():
    assert revision_of() == revision_of() == defined()[1]["revision"]
    assert len(revision_of()) == 12 and int(revision_of(), 16) >= 0
    assert defined()[0]["revision"] != defined()[1]["revision"]


@pytest.mark.parametrize("change", [
    {"environment": {"MODE": "slow"}},
    {"port": 8001},
    {"images": dict(IMAGES, frontend="127.0.0.1:5050/demo/frontend:cccc")},
])
def test_the_revision_changes_with_what_the_copies_run(change):
    assert revision_of(**change) != revision_of()


def test_the_revision_changes_with_a_resolved_endpoint_and_the_stop_timeout():
    before = defined()[1]["revision"]
    assert scaling.definitions(SERVICES, 20000, IMAGES, dict(ENDPOINTS, backend="http://127.0.0.1:9999/"))[1]["revision"] != before
    assert defined(stop_timeout_s=6)[1]["revision"] != before


@pytest.mark.parametrize("change", [
    {"desired_count": 9},
    {"min_count": 1, "max_count": 20},
    {"requests_per_target": 500},
    {"scale_out_cooldown_s": 1},
    {"deployment": {"minimum_healthy_percent": 50}},
    {"health_check": dict(SERVICES[1]["health_check"], interval_s=30)},
])
def test_the_revision_does_not_change_with_counts_scaling_or_health_check(change):
    assert revision_of(**change) == revision_of()


def test_a_service_without_an_image_or_endpoint_is_a_key_error():
    with pytest.raises(KeyError):
        scaling.definitions(SERVICES, 20000, {"backend": "x"}, ENDPOINTS)
    with pytest.raises(KeyError):
        scaling.definitions(SERVICES, 20000, IMAGES, {})


@pytest.mark.parametrize("chosen, count", [
    (None, 4),      # nothing chosen yet: the desired count
    (7, 7),         # a re-run keeps what the controller chose
    (1, 3),         # ...within the bounds
    (30, 12),
])
def test_starting_count(chosen, count):
    assert scaling.starting_count(defined()[1], chosen) == count


def test_starting_count_of_an_unscaled_service_is_its_desired_count():
    assert scaling.starting_count(defined()[0], 5) == 2


@pytest.mark.parametrize("position, grace, deadline", [
    (0, 0, 5 * (2 + 3)),
    (1, 0, 10 * (3 + 2)),
    (1, 20, 20 + 10 * (3 + 2)),
])
def test_health_deadline(position, grace, deadline):
    assert scaling.health_deadline_s(defined(health_check_grace_s=grace)[position]) == deadline


def test_copy_names_and_slot_ports():
    assert scaling.copy_name("demo", "frontend", 7) == "demo-frontend-7"
    assert scaling.slot_port(20000, 1, 7) == 20107
    assert scaling.slot_port("20000", 2, 99) == 20299


def test_no_scale_in_while_the_last_seconds_are_above_the_target():
    # Load arrived 5 s ago, during a long scale-out cooldown: the 15 s average is low, but the
    # last 5 s are above the target. Scaling in now would cut copies under load.
    history = samples([0] * 10 + [100] * 5, copies=10)
    now = history[-1]["time"]
    definition = scaled(low=1, high=20, out_cooldown=100, in_cooldown=0)
    assert scaling.requests_per_copy_per_minute(history, scaling.SCALE_OUT_WINDOW_S, now) == pytest.approx(600.0)
    assert scaling.target_tracking(definition, 10, history, now, now - 50, None) is None


def test_fields_given_as_null_take_their_defaults():
    # A list that validates: preflight reads an explicit null as a field not given.
    services = [dict(SERVICES[1], requests_per_target=None, scale_out_cooldown_s=None, scale_in_cooldown_s=None)]
    frontend = defined(services)[0]
    assert frontend["target"] == scaling.SCALING_DEFAULTS["requests_per_target"]
    assert frontend["scale_out_cooldown_s"] == scaling.SCALING_DEFAULTS["scale_out_cooldown_s"]
    assert frontend["scale_in_cooldown_s"] == scaling.SCALING_DEFAULTS["scale_in_cooldown_s"]
    assert scaling.target_tracking(frontend, 4, steady(1000, 4), NOW, NOW - 1, None) is None


@pytest.mark.parametrize("service, bounds", [
    ({"desired_count": 3}, (3, 3)),
    ({"desired_count": 3, "min_count": 1, "max_count": 8}, (1, 8)),
    ({"desired_count": 3, "max_count": 8}, (3, 8)),
    ({"desired_count": 0, "min_count": 1, "max_count": 4}, (1, 4)),
    ({"desired_count": 2, "min_count": None, "max_count": None}, (2, 2)),
    ({"desired_count": 2, "min_count": 5}, (5, 5)),
])
def test_count_bounds_hold_every_starting_count(service, bounds):
    assert scaling.count_bounds(service) == bounds
    definition = defined([dict(SERVICES[0], **service)])[0]
    for chosen in (None, 0, 1, 2, 3, 5, 8, 50):
        assert bounds[0] <= scaling.starting_count(definition, chosen) <= bounds[1]
