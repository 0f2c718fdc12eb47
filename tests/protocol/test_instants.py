"""Dates in remote documents: read once, never an exception, and nothing that a renderer or an id
cannot hold (issue 25, causes 4 and 21)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redfed.clock import new_id
from redfed.protocol.instants import MAX_MS, MIN_MS, parse_instant, renderable

NOW = 1_700_000_000_000
MAX_SQLITE_INT = 2**63 - 1
OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda minutes: timezone(timedelta(minutes=minutes)))
MOMENTS = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=OFFSETS)
# Dates as strangers write them: any ISO form, nanoseconds, odd offsets, or just text.
DATE_LIKE = st.one_of(
    MOMENTS.map(datetime.isoformat),
    MOMENTS.map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"),
    st.from_regex(r"[0-9]{1,5}-[0-9]{2}-[0-9]{2}(T[0-9:.]{0,20})?([+-][0-9]{2}:?[0-9]{2}|Z)?", fullmatch=True),
    st.text(max_size=80),
)


def _renders(ms: int) -> None:
    datetime.fromtimestamp(ms / 1000, UTC).isoformat()


@given(DATE_LIKE)
def test_any_text__is_an_instant_from_1970_or_none(value):
    ms = parse_instant(value)
    if ms is None:
        return
    assert ms >= MIN_MS
    # What every caller keeps: no later than now for what happened, no later than MAX_MS otherwise.
    published, end = min(ms, NOW), min(ms, MAX_MS)
    _renders(published)
    _renders(end)
    assert 0 < new_id(published) <= MAX_SQLITE_INT


@given(MOMENTS)
def test_dates__are_read_as_the_instant_they_name(moment):
    expected = int(moment.timestamp() * 1000)
    assert parse_instant(moment.isoformat()) == (expected if expected >= 0 else None)


@given(st.integers(-(2**70), 2**70))
def test_renderable__renders_any_stored_value(ms):
    shown = renderable(ms)
    _renders(shown)
    assert shown == ms or not MIN_MS <= ms <= MAX_MS


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-01-01T00:00:00Z", 1_704_067_200_000),
    ("2024-01-01T00:00:00", 1_704_067_200_000),  # no offset: UTC
    ("2024-01-01T01:00:00+01:00", 1_704_067_200_000),
    ("2024-01-01T00:00:00.123456789Z", 1_704_067_200_123),  # nanoseconds, as Go sends
    ("9999-12-31T23:59:59-23:59", 253_402_387_139_000),  # cause 4: year 10000 in UTC, bounded by callers
    ("0001-01-01T00:00:00+23:59", None),  # cause 21: year 0 in UTC
    ("1969-12-31T23:59:59Z", None),
    ("yesterday", None),
    ("２０２４-01-01T00:00:00Z", None),  # not ASCII digits
    (1_704_067_200, None),
    ("2024-01-01T00:00:00Z" + " " * 60, None),
])
def test_examples(value, expected):
    assert parse_instant(value) == expected
