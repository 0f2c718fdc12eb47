"""What strangers send, checked once at the edge (layer 6, no Quart): record ids, query strings,
form bodies and JSON bodies. Anything a service or SQLite could choke on stops here with a
client error: bytes that are not UTF-8 and JSON nested too deeply (400), lone surrogates, too
many values and ids outside SQLite's signed 64-bit range (422, or 404 for a record's id)."""

import json
import re
from urllib.parse import parse_qsl

from ..errors import BadRequest, NotFound, Unprocessable

MAX_ID = 2**63 - 1  # SQLite's INTEGER
MAX_DEPTH = 8  # the deepest Mastodon body (poll[options][], fields_attributes[0][name]) needs 3
MAX_VALUES = 1_000
MAX_KEY_LENGTH = 200
MAX_NUMBER_DIGITS = 40
NOT_FOUND = "Record not found"

_SURROGATE = re.compile("[\ud800-\udfff]")


def record_id(value) -> int:
    """The id of a record named in a path or a parameter. Anything but digits within 64 bits
    cannot name a record, so it is not found (Mastodon answers 404 for `/accounts/abc`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19):
        raise NotFound(NOT_FOUND)
    number = int(value)
    if number > MAX_ID:
        raise NotFound(NOT_FOUND)
    return number


def optional_record_id(value) -> int | None:
    """record_id, or None for an absent or empty value."""
    return None if value in (None, "") else record_id(value)


def url_encoded(raw: bytes) -> dict[str, list[str]]:
    """A query string or an application/x-www-form-urlencoded body: every key with its values in
    order. Percent-escapes must decode to UTF-8 (browsers and apps always send it)."""
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_VALUES)
    except UnicodeDecodeError:
        raise BadRequest("the parameters are not valid UTF-8") from None
    except ValueError:  # more than max_num_fields
        raise Unprocessable(f"too many parameters (at most {MAX_VALUES})") from None
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    return values


def json_object(raw: bytes) -> dict:
    """A JSON request body, which must be an object; empty means no parameters. Refused (400):
    invalid UTF-8, invalid JSON, NaN and Infinity, numbers of more than 40 digits, a key given
    twice in one object (Rails keeps the last, Python too: neither is what a sender meant), and
    nesting deeper than MAX_DEPTH."""
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not valid UTF-8") from None
    try:
        body = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_int=_integer)
    except RecursionError:
        raise BadRequest("the request body is nested too deeply") from None
    except ValueError as error:
        raise BadRequest(f"the request body is not valid JSON: {getattr(error, 'msg', error)}") from None
    if not isinstance(body, dict):
        raise Unprocessable("the request body must be a JSON object")
    return body


def check_values(values: dict) -> None:
    """Walk merged parameters without recursion: bounded depth and count, keys short strings,
    no lone surrogates anywhere (SQLite and every encoder downstream refuse them)."""
    stack, seen = [(values, 1)], 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise Unprocessable(f"too many parameters (at most {MAX_VALUES} values)")
        if depth > MAX_DEPTH:
            raise BadRequest("the parameters are nested too deeply")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_key(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and _SURROGATE.search(value):
            raise Unprocessable("text must be valid Unicode (a lone surrogate was sent)")


def _check_key(key: str) -> None:
    if len(key) > MAX_KEY_LENGTH:
        raise Unprocessable(f"parameter names are at most {MAX_KEY_LENGTH} characters")
    if _SURROGATE.search(key):
        raise Unprocessable("parameter names must be valid Unicode (a lone surrogate was sent)")


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise BadRequest("the request body repeats a key in one object")
    return found


def _no_constant(name: str):
    raise BadRequest(f"the request body holds {name}, which is not a JSON number")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise BadRequest(f"the request body holds a number of more than {MAX_NUMBER_DIGITS} digits")
    return int(text)
