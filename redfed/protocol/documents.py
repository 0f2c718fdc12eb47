"""Parsing JSON documents that arrive from the network (layer 1: stdlib and redfed.errors only).

`parse_json_object` is the one way redfed turns remote bytes into a dict, whether they came in an
inbox POST or a fetch. It refuses what the standard library would accept but the rest of redfed
must never see (checklist item 19): non-UTF-8 bytes, NaN and infinities, duplicate keys (two
readers could pick different values), unpaired surrogates (they break UTF-8 encoding when stored)
and nesting deep enough to exhaust the stack.
"""

import json
import math
import re
from array import array
from itertools import accumulate

from ..errors import BadRequest

# A JSON string, escapes included; the unrolled form `[^"\\]*(?:\\.[^"\\]*)*` runs in linear time.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
# Opening brackets become the signed byte +1, closing ones -1.
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
# A \uD800-\uDFFF escape; json.loads turns an unpaired one into a lone surrogate character.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_KEY_SHOWN = 40
# What a stored string must not hold: NUL (C string APIs cut there) and surrogates, which no UTF-8
# encoder accepts; json.loads makes them from unpaired \uD800-\uDFFF escapes.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")

_AS_PROFILE = "https://www.w3.org/ns/activitystreams"


def parse_json_object(body: bytes, *, max_depth: int = 64) -> dict:
    """Parse `body` as a JSON object, or raise `errors.BadRequest` saying what is wrong with it."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("JSON document is not valid UTF-8") from None
    _check_depth(text, max_depth)
    try:
        document = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as e:
        raise BadRequest(f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except ValueError:
        # int() refuses a number longer than sys.get_int_max_str_digits() (4300 by default).
        raise BadRequest("JSON document contains a number too long to read") from None
    if not isinstance(document, dict):
        raise BadRequest("JSON document must be an object")
    if _SURROGATE_ESCAPE.search(text):
        _check_encodable(document)
    return document


def storable_text(text: str) -> str:
    """`text` without NULs and unpaired surrogates: what a document parsed elsewhere than
    `parse_json_object` (an archive, say) may still hold, and no database, HTML sanitiser or
    response encoder accepts."""
    return _UNSTORABLE.sub("", text)


def is_activitypub_content_type(value: str) -> bool:
    """True for `application/activity+json` or `application/ld+json` with the AS2 profile.

    ActivityPub §3.2 names exactly these two media types; a plain `application/json` or an HTML page
    is not an ActivityPub representation (checklist item 13).
    """
    media_type, _, params = value.partition(";")
    media_type = media_type.strip().lower()
    if media_type == "application/activity+json":
        return True
    if media_type != "application/ld+json":
        return False
    for param in params.split(";"):
        name, _, raw = param.partition("=")
        if name.strip().lower() == "profile":
            # JSON-LD allows several space-separated profile URIs in one parameter.
            return _AS_PROFILE in raw.strip().strip('"').split()
    return False


def _check_depth(text: str, max_depth: int) -> None:
    # Depth can never exceed the number of opening brackets, so most documents skip the scan.
    if text.count("{") + text.count("[") <= max_depth:
        return
    # Drop strings (brackets inside them do not nest), then everything but brackets, and take the
    # highest running sum of +1/-1 steps. All of it runs in C (about 25 ms for a 1 MiB document
    # full of brackets), and it runs before json.loads, whose recursion deep input would exhaust.
    brackets = _NOT_BRACKETS.sub("", _STRING.sub("", text)).encode("ascii")
    steps = array("b", brackets.translate(_BRACKET_STEPS))
    if max(accumulate(steps), default=0) > max_depth:
        raise BadRequest(f"JSON document is nested deeper than {max_depth} levels")


def _object_without_duplicates(pairs: list[tuple[str, object]]) -> dict:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise BadRequest(f"JSON object has a duplicate key {key[:_KEY_SHOWN]!r}")
            seen.add(key)
    return document


def _refuse_constant(name: str) -> float:
    raise BadRequest(f"JSON document contains {name}, which is not valid JSON")


def _finite_float(literal: str) -> float:
    # 1e400 is valid JSON syntax but Python reads it as inf.
    value = float(literal)
    if not math.isfinite(value):
        raise BadRequest("JSON document contains a number out of range")
    return value


def _check_encodable(document: dict) -> None:
    # Only reached when the text holds a surrogate escape: pairs decode to one character and pass,
    # a lone surrogate makes UTF-8 encoding fail.
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("JSON document contains an unpaired surrogate escape") from None
