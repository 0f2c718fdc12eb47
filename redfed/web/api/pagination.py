"""Mastodon's pagination (layer 6): max_id, since_id, min_id and limit in, a Link header out.

Ids are time-sortable numbers sent as strings; a page is newest first, except that `min_id`
asks for the page just above it (the oldest of the newer items), still returned newest first.
"""

from urllib.parse import urlencode

from quart import request

from ...store.id_pages import IdRange
from ..context import runtime
from .params import Params

_CURSORS = ("max_id", "since_id", "min_id")
MAX_ECHOED = 500  # characters of one parameter a Link header repeats back


def read_page(default: int = 20, maximum: int = 40) -> IdRange:
    params = Params.query()
    max_id, since_id, min_id = (params.integer(name, low=0) for name in _CURSORS)
    return IdRange(max_id, since_id, min_id, params.integer("limit", default, low=1, high=maximum))


def link_header(ids: list[int]) -> dict[str, str]:
    """`Link: <…?max_id=oldest>; rel="next", <…?min_id=newest>; rel="prev"` for a non-empty page.
    Only short parameters are carried over: the header never echoes a stranger's megabytes."""
    if not ids:
        return {}
    base = runtime().urls.base + request.path
    # Filters (local, only_media, any[]…) carry over to the next page; oversized ones are not echoed.
    kept = {k: v for k, v in request.args.items() if k not in _CURSORS and len(k) + len(v) <= MAX_ECHOED}
    newer = f"{base}?{urlencode({**kept, 'min_id': max(ids)})}"
    older = f"{base}?{urlencode({**kept, 'max_id': min(ids)})}"
    return {"Link": f'<{older}>; rel="next", <{newer}>; rel="prev"'}
