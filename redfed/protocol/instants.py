"""Dates in remote documents (layer 1, pure): one reading of them, and the range redfed keeps.

A remote server chooses every date it sends. Stored as it came, `"published": "9999-12-31T23:59:59
-23:59"` (year 10000 in UTC) broke every later page that showed the post, and year 1 gave posts
negative ids (issue 25). So a date is read once, here: an instant before 1970 is no date to redfed
(ids are milliseconds since the epoch), and every caller bounds a later one, by now for whatever
claims to have happened, by MAX_MS (the end of 9999, the last instant `datetime` renders) for the
rest. What each field does with a date that is missing or refused is the caller's rule
(FEDERATION.md, "Normalising remote documents"); `renderable` is for the renderers.
"""

from datetime import UTC, datetime

MIN_MS = 0
MAX_MS = int(datetime(9999, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC).timestamp() * 1000)
# The longest xsd:dateTime with nanoseconds and an offset is 35 characters; anything longer is junk.
MAX_LENGTH = 64


def parse_instant(value) -> int | None:
    """An xsd:dateTime (ISO 8601 / RFC 3339) → milliseconds since the epoch; None when `value` is
    not one, or is before 1970. No offset means UTC; digits past microseconds (Go and Rust servers
    send nanoseconds) are dropped. The result may lie past MAX_MS (by at most a day and a year)."""
    if not isinstance(value, str) or len(value) > MAX_LENGTH or not value.isascii():
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # timestamp() of an aware datetime is exact arithmetic: year 9999 at -23:59 is still a number.
    ms = int(moment.timestamp() * 1000)
    return ms if ms >= MIN_MS else None


def renderable(ms: int) -> int:
    """`ms` moved into the range every renderer accepts (for rows stored before these rules)."""
    return min(max(ms, MIN_MS), MAX_MS)
