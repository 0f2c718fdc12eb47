"""parse_json_object refuses every bad document with a 400 and a reason (checklist item 19)."""

import json
import time

import pytest

from redfed.errors import BadRequest
from redfed.protocol.documents import is_activitypub_content_type, parse_json_object


def nested(depth: int) -> bytes:
    """An object `depth` levels deep: {"a": {"a": ... {} ...}}."""
    return b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1)


def test_parse_json_object__returns_the_object():
    body = json.dumps({"id": "https://example.com/1", "to": ["a", "b"], "n": 1.5}).encode()
    assert parse_json_object(body) == {"id": "https://example.com/1", "to": ["a", "b"], "n": 1.5}


def test_parse_json_object__keeps_unicode_and_surrogate_pairs():
    body = '{"name": "Zoë", "emoji": "\\ud83d\\ude00"}'.encode()
    assert parse_json_object(body) == {"name": "Zoë", "emoji": "\U0001f600"}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"name": "Zo\xeb"}', "UTF-8"),
        (b"\xff\xfe{\x00}\x00", "UTF-8"),
        (b"", "not valid JSON"),
        (b'{"a": 1,}', "not valid JSON"),
        (b"{'a': 1}", "not valid JSON"),
        (b'{"a": 1} {"b": 2}', "not valid JSON"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": Infinity}', "Infinity"),
        (b'{"a": [-Infinity]}', "-Infinity"),
        (b'{"a": 1e400}', "out of range"),
        (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
        (b'{"outer": [{"id": 1, "id": 1}]}', "duplicate key 'id'"),
        (b'{"a": "\\ud800"}', "unpaired surrogate"),
        (b'{"a": "\\udc00\\ud800"}', "unpaired surrogate"),
        (b'{"n": ' + b"9" * 5000 + b"}", "number too long"),
        (b"[]", "must be an object"),
        (b'"a string"', "must be an object"),
        (b"null", "must be an object"),
        (b"42", "must be an object"),
    ],
    ids=lambda value: value.decode("latin-1")[:30] if isinstance(value, bytes) else None,
)
def test_parse_json_object__refuses_with_a_reason(body, reason):
    with pytest.raises(BadRequest) as raised:
        parse_json_object(body)
    assert reason in raised.value.message
    assert raised.value.status == 400


def test_parse_json_object__accepts_nesting_up_to_max_depth():
    assert parse_json_object(nested(64))["a"]["a"]


def test_parse_json_object__refuses_nesting_one_past_max_depth():
    with pytest.raises(BadRequest, match="nested deeper than 64"):
        parse_json_object(nested(65))


def test_parse_json_object__max_depth_is_a_parameter():
    parse_json_object(nested(3), max_depth=3)
    with pytest.raises(BadRequest, match="deeper than 2"):
        parse_json_object(nested(3), max_depth=2)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"a":' + b"[" * 100_000,  # unterminated as well as deep
        b"{" * 100_000,
    ],
    ids=["arrays", "objects", "unterminated", "openers-only"],
)
def test_parse_json_object__refuses_100k_deep_nesting_quickly_without_recursion_error(body):
    started = time.perf_counter()
    with pytest.raises(BadRequest, match="nested deeper"):
        parse_json_object(body)
    # A liveness bound (a recursive parser takes minutes or crashes), not a speed test.
    assert time.perf_counter() - started < 5


def test_parse_json_object__brackets_inside_strings_do_not_count_as_nesting():
    body = json.dumps({"content": "[" * 10_000 + "{" * 10_000, "quote": '\\"[[[["'}).encode()
    assert parse_json_object(body)["content"].startswith("[[[")


def test_parse_json_object__a_wide_document_with_many_brackets_is_fine():
    items = [{"id": f"https://example.com/{i}", "tag": [{"n": [i]}]} for i in range(5000)]
    document = {"orderedItems": items}
    assert parse_json_object(json.dumps(document).encode()) == document


@pytest.mark.parametrize(
    "value",
    [
        "application/activity+json",
        "application/activity+json; charset=utf-8",
        "Application/Activity+JSON",
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
        'application/ld+json;profile="https://www.w3.org/ns/activitystreams"; charset=utf-8',
        "application/ld+json; profile=https://www.w3.org/ns/activitystreams",
        'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted '
        'https://www.w3.org/ns/activitystreams"',
    ],
)
def test_is_activitypub_content_type__accepts_the_two_activitypub_media_types(value):
    assert is_activitypub_content_type(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "text/html; charset=utf-8",
        "application/json",
        "application/ld+json",
        'application/ld+json; profile="https://example.com/other"',
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams-evil"',
        "application/activity+jsonx",
    ],
)
def test_is_activitypub_content_type__refuses_anything_else(value):
    assert not is_activitypub_content_type(value)
