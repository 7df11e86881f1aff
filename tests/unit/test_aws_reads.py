"""Reads of AWS where "not found" is an answer and any other error is raised (module_utils/aws_reads.py)."""
import datetime

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.aws_reads import (
    activity_summaries, cluster_services, jsonable, unless_not_found, wait_for_deployments)

ARN = "arn:aws:ecs:us-east-1:1:task-definition/demo-web:2"


class AwsError(Exception):
    """What botocore's ClientError carries: response["Error"]["Code"]."""

    def __init__(self, code):
        super().__init__(code)
        self.response = {"Error": {"Code": code, "Message": "message of " + code}}


class Paginator(object):
    def __init__(self, pages):
        self.pages = pages

    def paginate(self, **kwargs):
        return self.pages


class Ecs(object):
    """A client whose calls answer from `services` (by name) or raise `error`, recording the calls."""

    def __init__(self, services=(), error=None):
        self.services = dict((s["serviceName"], s) for s in services)
        self.error = error
        self.calls = []

    def get_paginator(self, name):
        self.calls.append(name)
        if self.error:
            raise self.error
        names = sorted(self.services)
        return Paginator([{"serviceArns": names[:1]}, {"serviceArns": names[1:]}])

    def describe_services(self, cluster, services):
        self.calls.append(("describe_services", len(services)))
        if self.error:
            raise self.error
        return {"services": [self.services[n] for n in services if n in self.services],
                "failures": [{"arn": n, "reason": "MISSING"} for n in services if n not in self.services]}


def test_not_found_is_an_answer_and_anything_else_is_raised():
    def refuse(code):
        def call():
            raise AwsError(code)
        return call
    assert unless_not_found(refuse("ClusterNotFoundException"), ("ClusterNotFoundException",), "none") == "none"
    for code in ("ThrottlingException", "AccessDeniedException"):
        with pytest.raises(AwsError, match=code):
            unless_not_found(refuse(code), ("ClusterNotFoundException",), "none")
    with pytest.raises(ValueError):
        unless_not_found(lambda: int("x"), ("ClusterNotFoundException",), "none")
    assert unless_not_found(lambda: "found", ("ClusterNotFoundException",), "none") == "found"


def test_every_service_is_listed_then_described_ten_at_a_time():
    services = [{"serviceName": "s%02d" % i} for i in range(12)]
    client = Ecs(services)
    assert cluster_services(client, "demo") == (True, services)
    assert client.calls == ["list_services", ("describe_services", 10), ("describe_services", 2)]


def test_named_services_that_do_not_exist_are_left_out():
    assert cluster_services(Ecs([{"serviceName": "web"}]), "demo", ["web", "gone"]) == (True, [{"serviceName": "web"}])


def test_a_missing_cluster_has_no_services_and_a_refused_read_fails():
    assert cluster_services(Ecs(error=AwsError("ClusterNotFoundException")), "demo") == (False, [])
    with pytest.raises(AwsError, match="AccessDeniedException"):
        cluster_services(Ecs(error=AwsError("AccessDeniedException")), "demo")
    with pytest.raises(AwsError, match="ThrottlingException"):
        cluster_services(Ecs(error=AwsError("ThrottlingException")), "demo", ["web"])


def test_times_become_strings():
    moment = datetime.datetime(2026, 12, 7, 21, 0, tzinfo=datetime.timezone.utc)
    assert jsonable({"events": [{"createdAt": moment, "n": 1}]}) == {"events": [{"createdAt": "2026-12-07T21:00:00+00:00", "n": 1}]}


def described(rollout):
    return {"serviceName": "web", "runningCount": 1, "desiredCount": 1,
            "deployments": [{"status": "PRIMARY", "taskDefinition": ARN, "rolloutState": rollout}]}


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_waits_until_the_deployment_is_done():
    answers = iter([described("IN_PROGRESS"), described("IN_PROGRESS"), described("COMPLETED")])
    clock = Clock()
    found, services, states, timed_out = wait_for_deployments(
        lambda: (True, [next(answers)]), {"web": ARN}, 60, 10, clock.sleep, clock.time)
    assert (states, timed_out, clock.now) == ({"web": "stable"}, False, 20)


def test_what_did_not_finish_in_time_is_returned():
    clock = Clock()
    found, services, states, timed_out = wait_for_deployments(
        lambda: (True, [described("IN_PROGRESS")]), {"web": ARN}, 25, 10, clock.sleep, clock.time)
    assert (states, timed_out, clock.now) == ({"web": "in_progress"}, True, 25)


def test_an_error_while_waiting_is_raised():
    def read():
        raise AwsError("ThrottlingException")
    with pytest.raises(AwsError):
        wait_for_deployments(read, {"web": ARN}, 60, 10, lambda s: None, lambda: 0)


def test_activities_say_what_happened_and_why():
    moment = datetime.datetime(2026, 12, 7, 21, 0, tzinfo=datetime.timezone.utc)
    refused = "You have requested more vCPU capacity than your current vCPU limit of 0 allows. Launching EC2 instance failed."
    activities = [
        {"StartTime": moment, "StatusCode": "Failed", "StatusMessage": refused,
         "Description": "Launching a new EC2 instance.  Status Reason: " + refused},
        {"StartTime": moment, "StatusCode": "Failed", "StatusMessage": "The security group does not exist",
         "Description": "Launching a new EC2 instance"},
    ]
    assert activity_summaries(activities) == [
        "2026-12-07T21:00:00+00:00 Failed: Launching a new EC2 instance.  Status Reason: " + refused,
        "2026-12-07T21:00:00+00:00 Failed: Launching a new EC2 instance (The security group does not exist)"]
