"""Hypothesis strategies for the odd values strangers send: strings with control characters and
lone surrogates, URLs that do not parse, dates outside every range, integers past 64 bits, wrong
types and deep nesting.

Each strategy puts the plausible value first, so that hypothesis shrinks a failure towards it and
the minimal input it reports keeps only the odd part that matters.
"""

import json
import re
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

# Values that broke redfed before (issue 25) or break parsers in general.
ODD_STRINGS = [
    "", " ", "\x00", "\x1b[31m", "\r\n", "\u202e", "\ufeff", "\ud800", "\udfff", "\U0010ffff", "x" * 10_000,
    "<script>alert(1)</script>", "javascript:alert(1)", "%00", "%ff", "../../etc/passwd", "NaN", "-0", "1e999",
    "null", "true", "[]", "{}", "a\u0300" * 50, "\u00df" * 3, "\u2100", "ﬀ",
]
ODD_URLS = [
    "http://[", "http://]", "https://[::1", "http://x\u2100/", "//1", "http://", "https:", "http:///x",
    "http://" + "a" * 64 + ".example/", "http://" + "a" * 300 + "/", "http://\x00.example/", "http://ex ample/",
    "http://example.com:99999/", "http://example.com:-1/", "http://user@:80", "ftp://example.com/",
    "javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "http://xn--/", "http://xn--a.xn--/",
    "http://\ud800.example/", "http://exa\u00admple.com/", "http://\u3002/", "https://example.com/\r\nX: y",
    "http://127.0.0.1:1/unreachable", "mailto:x@example.com", "urn:uuid:0", "acct:@", "acct:a@b@c",
]
ODD_DATES = [
    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "0000-00-00T00:00:00Z", "10000-01-01T00:00:00Z",
    "2024-02-30T00:00:00Z", "2024-01-01T25:61:61Z", "2024-01-01", "2024-01-01T00:00:00.123456789Z", "yesterday",
    "2024-01-01T00:00:00+99:99", "1970-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2024-W01", "",
]
HUGE_INTEGERS = [2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**25, 9999999999999999999999999, -1, 0]

_DEEP = "\x00deep:"


def one_in(times: int, rare: st.SearchStrategy, usual: st.SearchStrategy) -> st.SearchStrategy:
    """`rare` one time in `times`, else `usual` (what shrinking goes back to)."""
    return st.integers(0, times - 1).flatmap(lambda roll: rare if roll == times - 1 else usual)


def mix(*strategies: st.SearchStrategy) -> st.SearchStrategy:
    """One of `strategies`, each as likely (st.one_of favours its first branches), shrinking
    towards the first."""
    return st.integers(0, len(strategies) - 1).flatmap(lambda index: strategies[index])


def text() -> st.SearchStrategy[str]:
    """Any text, lone surrogates and control characters included."""
    return mix(
        st.text(max_size=40),
        st.sampled_from(ODD_STRINGS),
        st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
    )


def integers() -> st.SearchStrategy[int]:
    return mix(st.integers(0, 1000), st.sampled_from(HUGE_INTEGERS), st.integers())


def ids() -> st.SearchStrategy[str]:
    """What a client or a path may give as an id."""
    return mix(integers().map(str), st.sampled_from(["0", "-1", "1.5", "1e3", "0x10", " 1", "１", "٣"]), text())


def dates() -> st.SearchStrategy[str]:
    """ISO dates: plausible, odd, anywhere in datetime's range, at its very ends with an offset that
    pushes them past it, or not dates at all."""
    zones = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
    moments = st.datetimes(datetime.min, datetime.max, timezones=st.just(None))
    return mix(
        st.just("2024-01-01T00:00:00Z"),
        st.sampled_from(ODD_DATES),
        st.builds(_stamp, moments, zones),
        st.builds(_stamp, st.sampled_from([datetime.min, datetime.max]), zones),
        text(),
    )


def _stamp(moment: datetime, zone: timezone) -> str:
    return moment.replace(tzinfo=zone).isoformat()


def urls(origin: str) -> st.SearchStrategy[str]:
    """URLs on `origin` (a server we run), odd URLs, and text that is no URL at all."""
    paths = st.text(st.characters(codec="utf-8"), max_size=20)
    return mix(
        st.builds(lambda path: f"{origin}/{path}", paths),
        st.sampled_from(ODD_URLS),
        st.builds(lambda label: f"https://{label}.example/", st.text("abcdefghij-", min_size=1, max_size=80)),
        text(),
    )


def deep(depth: st.SearchStrategy[int] = st.integers(50, 20_000)) -> st.SearchStrategy[str]:
    """A marker that `encode` turns into that many nested JSON arrays."""
    return depth.map(lambda n: f"{_DEEP}{n}")


def scalars() -> st.SearchStrategy:
    return mix(text(), integers(), st.booleans(), st.none(), st.floats())


def anything() -> st.SearchStrategy:
    """Any JSON value, wrong types and deep nesting included."""
    nested = st.recursive(scalars(), lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text(), inner, max_size=4),
                          max_leaves=12)
    return one_in(10, deep(), nested)


def maybe_odd(plausible: st.SearchStrategy, odd: st.SearchStrategy | None = None) -> st.SearchStrategy:
    """Two times in three a plausible value (what shrinking goes back to), else an odd one or anything."""
    strange = mix(odd, anything()) if odd is not None else anything()
    return one_in(3, strange, plausible)


def rarely_odd(plausible: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    """Nine times in ten a plausible value: for fields that, when odd, get the whole document
    refused at the door, so that the other fields still reach the parsers behind it."""
    return one_in(10, odd, plausible)


def encode(document) -> bytes:
    """`document` as JSON, with `deep()` markers spliced in as nested arrays and NaN allowed (the
    server must refuse it, not choke on it). Lone surrogates are written as \\ud800 escapes, which
    is valid JSON the server decodes into a string that cannot be encoded."""
    text_ = json.dumps(document)
    return re.sub(r'"\\u0000deep:(\d+)"', lambda m: "[" * int(m[1]) + "]" * int(m[1]), text_).encode()
