"""parse_ab_output on recorded outputs of real ab runs, each with its expected structure beside it."""
import json
import os

import pytest

from ansible_collections.loadbearing.ecs.plugins.module_utils.apachebench import parse_ab_output

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "ab")
SCENARIOS = sorted(name[:-4] for name in os.listdir(FIXTURES) if name.endswith(".txt"))


def load(name):
    with open(os.path.join(FIXTURES, name + ".txt")) as text, open(os.path.join(FIXTURES, name + ".json")) as expected:
        return text.read(), json.load(expected)


def test_every_scenario_is_recorded():
    assert {"length_failures", "non2xx_404", "non2xx_and_length", "keepalive", "post", "variable_length",
            "receive_failures", "aborted_refused", "aborted_timeout"} <= set(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_parses_recorded_output(name):
    text, expected = load(name)
    if "error" in expected:
        with pytest.raises(ValueError) as caught:
            parse_ab_output(text)
        assert str(caught.value) == expected["error"]
    else:
        assert parse_ab_output(text) == expected["result"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_parses_output_with_leading_whitespace_stripped(name):
    text, expected = load(name)
    stripped = "\n".join(line.lstrip() for line in text.splitlines())
    if "error" in expected:
        with pytest.raises(ValueError):
            parse_ab_output(stripped)
    else:
        assert parse_ab_output(stripped) == expected["result"]


@pytest.mark.parametrize("name, ab_line", [
    ("aborted_refused", "apr_socket_recv: Connection refused (111)"),
    ("aborted_timeout", "apr_pollset_poll: The timeout specified has expired (70007)"),
])
def test_aborted_run_names_abs_error_line(name, ab_line):
    text = load(name)[0]
    with pytest.raises(ValueError, match=ab_line.replace("(", r"\(").replace(")", r"\)")):
        parse_ab_output(text)


def test_non_2xx_with_changed_length_is_counted_once():
    # ab printed Failed 100 (Length 100) and Non-2xx 100 for the same 100 responses.
    result = parse_ab_output(load("non2xx_and_length")[0])
    assert result["failed_requests"] == 100
    assert result["non_2xx_responses"] == 100
    assert result["client_visible_errors"] == 100
    assert result["success_ratio"] == 0.5


def test_length_failures_of_a_dynamic_body_are_not_errors():
    result = parse_ab_output(load("length_failures")[0])
    assert result["failed_length"] > 0
    assert result["client_visible_errors"] == 0
    assert result["success_ratio"] == 1.0


def test_receive_failures_and_exceptions_are_errors():
    result = parse_ab_output(load("receive_failures")[0])
    assert result["client_visible_errors"] == result["failed_receive"] + result["failed_exceptions"]
    assert result["attempted_requests"] == result["complete_requests"] + result["failed_exceptions"]


def test_numbers_keep_abs_integer_or_decimal_form():
    result = parse_ab_output(load("keepalive")[0])
    assert isinstance(result["complete_requests"], int)
    assert isinstance(result["requests_per_second"], float)
    assert isinstance(result["percentiles"]["100"], int)
    assert isinstance(result["connection_times"]["total"]["sd"], float)
    assert result["keepalive_requests"] == 400


def test_absent_lines_are_none_and_absent_counts_zero():
    result = parse_ab_output(load("length_failures")[0])
    assert result["keepalive_requests"] is None
    assert result["total_body_sent_bytes"] is None
    assert result["non_2xx_responses"] == 0
    assert result["write_errors"] == 0
    assert parse_ab_output(load("keepalive")[0])["failed_connect"] == 0


def test_variable_document_length_is_none():
    assert parse_ab_output(load("variable_length")[0])["document_length"] is None


def test_empty_output_is_an_error():
    with pytest.raises(ValueError, match="no output at all"):
        parse_ab_output("")
