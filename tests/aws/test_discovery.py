"""Discovery on AWS: images found in ECR by content tag, and errors that are not "not found"."""
import json

import pytest

from conftest import free_port
from leftovers import leftovers

MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                                  "digest": "sha256:" + "0" * 64}, "layers": []})


@pytest.fixture
def ecr(emulator):
    emulator.reset()
    client = emulator.client("ecr")
    client.create_repository(repositoryName="disc/backend")
    client.put_image(repositoryName="disc/backend", imageManifest=MANIFEST, imageTag="0123456789abcdef")
    return client


def test_ecr_image_info_tells_missing_repositories_and_tags_apart(emulator, ecr):
    result = emulator.module("loadbearing.ecs.ecr_image_info", images=[
        {"repository": "disc/backend", "tag": "0123456789abcdef"},
        {"repository": "disc/backend", "tag": "fedcba9876543210"},
        {"repository": "disc/frontend", "tag": "0123456789abcdef"},
        {"repository": "disc/backend"},
    ]).result()
    found = [(i["repository_exists"], i["image_exists"]) for i in result["images"]]
    assert found == [(True, True), (True, False), (False, False), (True, False)]
    assert result["registry"].endswith(".dkr.ecr.us-east-1.amazonaws.com")
    assert result["images"][0]["uri"] == result["registry"] + "/disc/backend:0123456789abcdef"


def test_discovery_fails_with_the_cause_when_aws_does_not_answer(emulator):
    # Not "nothing exists yet": ECR refusing to answer must stop the stage with the reason,
    # before anything is created. botocore's per-service endpoint sends only ECR elsewhere.
    emulator.reset()
    unreachable = "http://127.0.0.1:%d" % free_port()
    run = emulator.playbook("build.yml", "-e", "ecs_cluster_name=disc", env={"AWS_ENDPOINT_URL_ECR": unreachable})
    assert run.rc != 0
    failure = run.failure()
    assert "Find the repositories and the image of each service in ECR" in failure, failure
    assert "Could not connect to the endpoint URL" in failure, failure
    assert leftovers(emulator, "disc") == {}
