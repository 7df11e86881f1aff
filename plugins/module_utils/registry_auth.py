# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Podman's registry credentials (containers-auth.json(5)), written without a command line.

`podman login --password` puts the password in the process list, and `podman login` answers
nothing a module could return without the password passing through Ansible. Writing the
credentials file is what `podman login` itself does after its check, so a module can log in
with the secret staying inside one process. Standard library only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os


def default_auth_file(environ=None, uid=None):
    """Where podman reads credentials first: $REGISTRY_AUTH_FILE, else
    $XDG_RUNTIME_DIR/containers/auth.json, else /run/containers/<uid>/auth.json (as for root
    under sudo, which clears XDG_RUNTIME_DIR)."""
    environ = os.environ if environ is None else environ
    uid = os.getuid() if uid is None else uid
    if environ.get("REGISTRY_AUTH_FILE"):
        return environ["REGISTRY_AUTH_FILE"]
    if environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(environ["XDG_RUNTIME_DIR"], "containers", "auth.json")
    return "/run/containers/%d/auth.json" % uid


def read_auths(path):
    """The file's whole document ({} when there is none yet). A file that is not a JSON object
    raises ValueError: it is the user's, and is not overwritten blindly."""
    if not os.path.exists(path):
        return {}
    with open(path) as handle:
        text = handle.read()
    if not text.strip():
        return {}
    try:
        document = json.loads(text)
    except ValueError as e:
        raise ValueError("%s is not JSON: %s" % (path, e))
    if not isinstance(document, dict) or not isinstance(document.get("auths", {}), dict):
        raise ValueError("%s is not a containers-auth.json document (an object with an auths object)" % path)
    return document


def stored_auth(document, registry):
    """The base64 "user:password" stored for this registry, or None."""
    return (document.get("auths", {}).get(registry) or {}).get("auth")


def with_auth(document, registry, auth):
    """A copy of the document with this registry's credentials set, every other entry kept."""
    updated = dict(document)
    auths = dict(document.get("auths", {}))
    auths[registry] = {"auth": auth}
    updated["auths"] = auths
    return updated


def render(document):
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
