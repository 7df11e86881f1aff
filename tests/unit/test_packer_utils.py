"""Packer's machine-readable stream (recorded real builds) and build fingerprints."""
import os

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.packer import (
    fingerprint,
    image_ids,
    image_references,
    parse_machine_readable,
    unescape,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "packer")


def recorded(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def test_successful_docker_build_with_tag_and_push():
    parsed = parse_machine_readable(recorded("build_success.txt"))
    assert parsed["error_count"] == 0
    assert parsed["errors"] == []
    assert [a["builder_id"] for a in parsed["artifacts"]] == [
        "packer.post-processor.docker-import",
        "packer.post-processor.docker-tag",
        "packer.post-processor.docker-import",
    ]
    assert image_references(parsed["artifacts"]) == ["127.0.0.1:5050/probe/backend:abc123"]
    assert image_ids(parsed["artifacts"]) == [
        "4fab425c895bdaf3fe15a894d9d3c5d9d0c58106b837e80488f07e56f921e2fa"]
    assert parsed["artifacts"][1]["string"].startswith("Imported Docker image: 127.0.0.1:5050/probe/backend:abc123")


def test_failed_build_yields_packers_error_lines():
    parsed = parse_machine_readable(recorded("build_failure.txt"))
    assert parsed["error_count"] == 1
    assert parsed["artifacts"] == []
    assert len(parsed["errors"]) == 1
    assert parsed["errors"][0].startswith("Error running container: Docker exited with a non-zero exit status.")
    # Escaped newlines and commas come back as they were.
    assert "\nStderr:" in parsed["errors"][0]


@pytest.mark.parametrize("raw, plain", [
    ("a%!(PACKER_COMMA) b", "a, b"),
    ("line1\\nline2", "line1\nline2"),
    ("plain", "plain"),
])
def test_unescape(raw, plain):
    assert unescape(raw) == plain


@pytest.fixture
def build_inputs(tmp_path):
    template = tmp_path / "t.pkr.hcl"
    template.write_text("source {}\n")
    source = tmp_path / "src"
    source.mkdir()
    (source / "app.py").write_text("print(1)\n")
    return template, source


def test_fingerprint_is_stable(build_inputs):
    template, source = build_inputs
    assert fingerprint(str(template), {"a": 1}, [str(source)]) == fingerprint(str(template), {"a": 1}, [str(source)])


@pytest.mark.parametrize("change", ["template", "variable", "file content", "new file", "executable bit"])
def test_fingerprint_follows_every_input(build_inputs, change):
    template, source = build_inputs
    before = fingerprint(str(template), {"a": 1}, [str(source)])
    variables = {"a": 1}
    if change == "template":
        template.write_text("source { changed }\n")
    elif change == "variable":
        variables = {"a": 2}
    elif change == "file content":
        (source / "app.py").write_text("print(2)\n")
    elif change == "new file":
        (source / "extra.txt").write_text("x")
    elif change == "executable bit":
        os.chmod(str(source / "app.py"), 0o755)
    assert fingerprint(str(template), variables, [str(source)]) != before


def test_fingerprint_ignores_bytecode_caches(build_inputs):
    template, source = build_inputs
    before = fingerprint(str(template), {}, [str(source)])
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0")
    assert fingerprint(str(template), {}, [str(source)]) == before


def test_fingerprint_of_a_missing_input_says_which(build_inputs, tmp_path):
    template = build_inputs[0]
    with pytest.raises(ValueError, match="does-not-exist"):
        fingerprint(str(template), {}, [str(tmp_path / "does-not-exist")])
