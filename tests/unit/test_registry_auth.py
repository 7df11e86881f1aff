"""Podman's credentials file, as the ecr_login module reads and writes it."""
import json

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.registry_auth import (
    default_auth_file, read_auths, render, stored_auth, with_auth)


@pytest.mark.parametrize("environ,uid,expected", [
    ({"REGISTRY_AUTH_FILE": "/x/auth.json", "XDG_RUNTIME_DIR": "/run/user/1000"}, 1000, "/x/auth.json"),
    ({"XDG_RUNTIME_DIR": "/run/user/1000"}, 1000, "/run/user/1000/containers/auth.json"),
    ({}, 0, "/run/containers/0/auth.json"),
    ({"REGISTRY_AUTH_FILE": ""}, 1000, "/run/containers/1000/auth.json"),
])
def test_the_file_podman_reads_first(environ, uid, expected):
    assert default_auth_file(environ, uid) == expected


def test_no_file_is_an_empty_document(tmp_path):
    assert read_auths(str(tmp_path / "auth.json")) == {}
    (tmp_path / "empty.json").write_text("\n")
    assert read_auths(str(tmp_path / "empty.json")) == {}


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"auths": []}'])
def test_a_file_that_is_not_podmans_is_refused(tmp_path, text):
    path = tmp_path / "auth.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=str(path)):
        read_auths(str(path))


def test_setting_one_registry_keeps_the_others_and_every_other_key(tmp_path):
    document = {"auths": {"quay.io": {"auth": "b3RoZXI6cHc="}}, "credHelpers": {"x.example": "ecr-login"}}
    updated = with_auth(document, "123456789012.dkr.ecr.us-east-1.amazonaws.com", "QVdTOnB3")
    assert updated == {"auths": {"quay.io": {"auth": "b3RoZXI6cHc="},
                                 "123456789012.dkr.ecr.us-east-1.amazonaws.com": {"auth": "QVdTOnB3"}},
                       "credHelpers": {"x.example": "ecr-login"}}
    assert document["auths"] == {"quay.io": {"auth": "b3RoZXI6cHc="}}
    path = tmp_path / "auth.json"
    path.write_text(render(updated))
    assert stored_auth(read_auths(str(path)), "123456789012.dkr.ecr.us-east-1.amazonaws.com") == "QVdTOnB3"
    assert stored_auth(read_auths(str(path)), "elsewhere.example") is None
    assert json.loads(path.read_text()) == updated
