"""Hypothesis strategies for API request bodies: the same fields sent as a form, as JSON, as
multipart, or as bytes that are none of these, with repeated keys and fields of the wrong type."""

import json
from urllib.parse import quote

from hypothesis import strategies as st

from . import values as v

BOUNDARY = "fuzzfuzzfuzz"


def _utf8(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")


def _form(pairs: list[tuple[str, object]]) -> tuple[str, bytes]:
    body = "&".join(f"{quote(_utf8(k), safe='[]')}={quote(_utf8(value), safe='')}" for k, value in pairs)
    return "application/x-www-form-urlencoded", body.encode()


def _json(document: dict) -> tuple[str, bytes]:
    return "application/json", v.encode(document)


def multipart(pairs: list[tuple[str, object]], files: list[tuple[str, bytes, str]]) -> tuple[str, bytes]:
    parts = [b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (_utf8(k), _utf8(value)) for k, value in pairs]
    parts += [b'Content-Disposition: form-data; name="%s"; filename="upload"\r\nContent-Type: %s\r\n\r\n%s'
              % (_utf8(name), _utf8(content_type), data) for name, data, content_type in files]
    body = b"".join(b"--%s\r\n%s\r\n" % (BOUNDARY.encode(), part) for part in parts) + b"--%s--\r\n" % BOUNDARY.encode()
    return f"multipart/form-data; boundary={BOUNDARY}", body


def _as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def bodies(fields: dict[str, st.SearchStrategy], files: st.SearchStrategy = st.just([])) -> st.SearchStrategy:
    """(Content-Type, body) carrying some of `fields` (name -> plausible values): as a form, JSON or
    multipart (with `files`, a list of (field, bytes, content type)), or raw bytes."""
    names = v.maybe_odd(st.sampled_from(sorted(fields)), v.text()).map(_as_text)
    pair = names.flatmap(lambda name: st.tuples(st.just(name), fields.get(name, v.text()).map(_as_text)))
    pairs = st.lists(pair, max_size=8)
    document = st.dictionaries(v.maybe_odd(st.sampled_from(sorted(fields)), v.text()).map(_as_text),
                               v.mix(*fields.values(), v.anything()), max_size=8)
    raw = st.tuples(st.sampled_from(["application/json", "application/x-www-form-urlencoded", "multipart/form-data",
                                     f"multipart/form-data; boundary={BOUNDARY}", "text/plain"]),
                    st.one_of(st.binary(max_size=64), v.deep().map(lambda marker: v.encode([marker]))))
    return v.mix(pairs.map(_form), document.map(_json), st.builds(multipart, pairs, files), raw)
