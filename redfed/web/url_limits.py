"""Limits on the request line (layer 6): a path or query string longer than any of our
addresses is refused with 414 before routing, so that no answer (a Link header, a redirect's
Location, an error page) can echo a stranger's megabytes back."""

from quart import request

from ..errors import UriTooLong

MAX_PATH = 2_048
MAX_QUERY = 8_192


async def refuse_long_urls() -> None:
    if len(request.path) > MAX_PATH:
        raise UriTooLong(f"the path is too long (at most {MAX_PATH} characters)")
    if len(request.query_string) > MAX_QUERY:
        raise UriTooLong(f"the query string is too long (at most {MAX_QUERY} bytes)")
