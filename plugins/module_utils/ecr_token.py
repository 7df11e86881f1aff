# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A registry login from ECR's GetAuthorizationToken answer. Standard library only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii


def login_from_token(authorization):
    """password, registry and expires_at from one entry of authorizationData.

    The token is base64 of "AWS:<password>"; the proxy endpoint is the registry's https URL.
    """
    try:
        user, colon, password = base64.b64decode(authorization["authorizationToken"]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError) as e:
        raise ValueError("the token is not base64 text: %s" % e)
    if user != "AWS" or not colon or not password:
        raise ValueError("the token is not AWS:<password>")
    registry = authorization["proxyEndpoint"].split("://", 1)[-1].rstrip("/")
    expires = authorization.get("expiresAt")
    return {"password": password, "registry": registry,
            "expires_at": expires.isoformat() if hasattr(expires, "isoformat") else expires}
