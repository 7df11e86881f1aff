# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure helpers for driving Packer: its machine-readable stream and build fingerprints.

Standard library only, so it is importable (and testable) without Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os

# Hex digits of the fingerprint that tag an image: what went into it, not when it was built.
CONTENT_TAG_LENGTH = 16


def unescape(data):
    """Undo Packer's escaping of commas and newlines inside a machine-readable field."""
    return data.replace("%!(PACKER_COMMA)", ",").replace("\\n", "\n").replace("\\r", "\r")


def parse_machine_readable(text):
    """Parse `packer build -machine-readable` output.

    Lines are `timestamp,target,type,data...`. Returns a dict with:
      artifacts: list of {target, index, builder_id, id, string, files_count}
      errors: the messages of `TARGET,error,MSG` lines (Packer's own error lines)
      error_count: int from `,error-count,N` (0 when absent)
    """
    artifacts = {}
    errors = []
    error_count = 0
    for line in text.splitlines():
        fields = line.split(",")
        if len(fields) < 3:
            continue
        target, kind, data = fields[1], fields[2], fields[3:]
        if kind == "artifact" and len(data) >= 2:
            key = (target, int(data[0]))
            artifact = artifacts.setdefault(key, {"target": target, "index": int(data[0])})
            name, values = data[1], [unescape(value) for value in data[2:]]
            if name == "builder-id" and values:
                artifact["builder_id"] = values[0]
            elif name == "id" and values:
                artifact["id"] = values[0]
            elif name == "string" and values:
                artifact["string"] = ",".join(values)
            elif name == "files-count" and values:
                artifact["files_count"] = int(values[0])
        elif kind == "error-count" and data:
            error_count = int(data[0])
        elif kind == "error" and target and data:
            errors.append(unescape(",".join(data)).strip())
    ordered = [artifacts[key] for key in sorted(artifacts)]
    return {"artifacts": ordered, "errors": errors, "error_count": error_count}


def image_references(artifacts):
    """The `repository:tag` references among the artifacts, in build order, without repeats."""
    references = []
    for artifact in artifacts:
        ref = artifact.get("id", "")
        if artifact.get("builder_id") == "packer.post-processor.docker-tag" and ref not in references:
            references.append(ref)
    return references


def image_ids(artifacts):
    """The image ids (content hashes) among the artifacts, without repeats."""
    ids = []
    for artifact in artifacts:
        ref = artifact.get("id", "")
        if artifact.get("builder_id") in ("packer.post-processor.docker-import", "packer.docker") \
                and ":" not in ref and ref and ref not in ids:
            ids.append(ref)
    return ids


def _hash_path(digest, path):
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            # Bytecode caches and editor droppings are not part of what is baked in.
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            for name in sorted(files):
                if name.endswith((".pyc", "~")) or name.startswith("."):
                    continue
                full = os.path.join(root, name)
                _hash_file(digest, full, os.path.relpath(full, path))
    elif os.path.exists(path):
        _hash_file(digest, path, os.path.basename(path))
    else:
        raise ValueError("fingerprint input does not exist: %s" % path)


def _hash_file(digest, full, name):
    digest.update(("file:%s:%o\0" % (name, os.stat(full).st_mode & 0o111)).encode("utf-8"))
    with open(full, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)


def fingerprint(template, variables, paths):
    """A sha256 over the template file, the variables and every file baked in.

    Any change to what would end up in the image changes it. Files are hashed
    by their path relative to the root they were given under, with their
    executable bits.
    """
    digest = hashlib.sha256()
    _hash_path(digest, template)
    digest.update(json.dumps(variables, sort_keys=True).encode("utf-8"))
    for path in paths:
        digest.update(("root:%s\0" % os.path.basename(os.path.normpath(path))).encode("utf-8"))
        _hash_path(digest, path)
    return digest.hexdigest()
