"""Mastodon's pagination (layer 6): max_id, since_id, min_id and limit in, a Link header out.

Ids are time-sortable numbers sent as strings; a page is newest first, except that `min_id`
asks for the page just above it (the oldest of the newer items), still returned newest first.
"""

from urllib.parse import urlencode

from quart import request

from ...errors import Unprocessable
from ...store.id_pages import IdRange
from ..context import runtime


MAX_ECHOED = 512  # characters of a request's path or of one parameter a Link header may repeat


def read_page(default: int = 20, maximum: int = 40) -> IdRange:
    def number(name: str) -> int | None:
        value = request.args.get(name)
        if value in (None, ""):
            return None
        try:
            return max(0, min(int(value), 2**63 - 1))
        except ValueError:
            raise Unprocessable(f"{name} must be an id") from None

    try:
        limit = int(request.args.get("limit", default))
    except ValueError:
        raise Unprocessable("limit must be a whole number") from None
    return IdRange(number("max_id"), number("since_id"), number("min_id"), max(1, min(limit, maximum)))


def link_header(ids: list[int]) -> dict[str, str]:
    """`Link: <…?max_id=oldest>; rel="next", <…?min_id=newest>; rel="prev"` for a non-empty page."""
    if not ids:
        return {}
    base = runtime().urls.base + request.path
    if len(base) > MAX_ECHOED:
        return {}  # no route has paths this long; never echo them
    # Filters (local, only_media, any[]…) carry over to the next page; oversized ones are not echoed.
    kept = {k: v for k, v in request.args.items()
            if k not in ("max_id", "since_id", "min_id") and len(k) + len(v) <= MAX_ECHOED}
    newer = f"{base}?{urlencode({**kept, 'min_id': max(ids)})}"
    older = f"{base}?{urlencode({**kept, 'max_id': min(ids)})}"
    return {"Link": f'<{older}>; rel="next", <{newer}>; rel="prev"'}
