"""Time and time-sortable ids (layer 0).

Ids follow Mastodon's snowflake shape: milliseconds since the epoch in the high bits and 16 random
bits below, so an id sorts by creation time and `max_id`/`since_id` pagination is a range scan.
"""

import secrets
import time


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def new_id(at_ms: int | None = None) -> int:
    ms = now_ms() if at_ms is None else at_ms
    return (ms << 16) | secrets.randbits(16)


def id_floor(at_ms: int) -> int:
    """The smallest id that can have been minted at `at_ms`, for time-bounded id ranges."""
    return at_ms << 16
