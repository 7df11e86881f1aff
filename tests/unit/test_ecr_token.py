"""A registry login from ECR's authorization token."""
import base64
import datetime

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.ecr_token import login_from_token

EXPIRES = datetime.datetime(2026, 11, 29, 17, 0, tzinfo=datetime.timezone.utc)


def entry(token_text, endpoint="https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"):
    return {"authorizationToken": base64.b64encode(token_text.encode()).decode(), "proxyEndpoint": endpoint,
            "expiresAt": EXPIRES}


def test_password_and_registry_from_the_token():
    login = login_from_token(entry("AWS:s3cr:et"))
    assert login == {"password": "s3cr:et", "registry": "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                     "expires_at": "2026-11-29T17:00:00+00:00"}


@pytest.mark.parametrize("text", ["someone:pw", "AWS:", "no-colon"])
def test_a_token_that_is_not_aws_and_a_password_is_refused(text):
    with pytest.raises(ValueError):
        login_from_token(entry(text))


def test_a_token_that_is_not_base64_is_refused():
    with pytest.raises(ValueError):
        login_from_token({"authorizationToken": "***", "proxyEndpoint": "https://x"})
