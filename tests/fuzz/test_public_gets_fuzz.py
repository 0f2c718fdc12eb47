"""The public GETs: odd ids, paging values, tag names, WebFinger resources and query strings in
any route anyone may call are answered 2xx, 3xx or 4xx, never 5xx."""

from urllib.parse import quote

from hypothesis import strategies as st

from ..support.http import request
from . import values as v
from .budget import fuzz, time_limit
from .oracle import check, check_headers_bounded, check_still_answering

ROUTES = [
    "/api/v1/accounts/{}", "/api/v1/accounts/{}/statuses", "/api/v1/accounts/{}/followers",
    "/api/v1/accounts/{}/following", "/api/v1/accounts/{}/featured_tags", "/api/v1/statuses/{}",
    "/api/v1/statuses/{}/context", "/api/v1/statuses/{}/favourited_by", "/api/v1/statuses/{}/reblogged_by",
    "/api/v1/statuses/{}/history", "/api/v1/statuses/{}/source", "/api/v1/polls/{}", "/api/v1/timelines/tag/{}",
    "/api/v1/timelines/public", "/api/v1/timelines/home", "/api/v1/accounts/lookup", "/api/v1/accounts/search",
    "/api/v1/accounts/relationships", "/api/v2/search", "/api/v1/instance/activity", "/api/v1/instance/peers",
    "/api/v1/favourites", "/api/v1/bookmarks", "/api/v1/media/{}", "/api/v1/listings/{}",
    "/.well-known/webfinger", "/.well-known/host-meta", "/nodeinfo/2.0", "/users/{}", "/users/{}/outbox",
    "/users/{}/followers", "/users/{}/collections/featured", "/users/alice/statuses/{}", "/@{}", "/@{}/shop",
    "/tags/{}", "/listings/{}", "/search", "/explore", "/", "/{}",
]
PARAMETERS = ["max_id", "min_id", "since_id", "limit", "local", "remote", "only_media", "id", "id[]", "acct", "q",
              "resolve", "type", "offset", "following", "resource", "page", "any[]", "all[]", "none[]", "tagged",
              "exclude_replies", "pinned", "lang"]

pytestmark = time_limit


# Paths that broke redfed before (issue 25 causes 3, 5, 6 and 8).
CORPUS = (("/api/v1/accounts/9999999999999999999999999", False), ("/api/v1/polls/99999999999999999999", True),
          ("/.well-known/webfinger?resource=http%3A%2F%2Fx%E2%84%80%2F", False),
          ("/api/v1/accounts/relationships?id=9999999999999999999", True))


def _escape(value: str) -> str:
    # Percent-escapes, with lone surrogates as the bytes they would take (invalid UTF-8 on arrival).
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def queries() -> st.SearchStrategy[str]:
    pair = st.tuples(v.maybe_odd(st.sampled_from(PARAMETERS), v.text()), v.maybe_odd(v.ids(), v.text()))
    return st.lists(pair, max_size=4).map(
        lambda pairs: "&".join(f"{_escape(str(k))}={_escape(str(value))}" for k, value in pairs))


def gets() -> st.SearchStrategy[tuple[str, bool]]:
    """(path with query string, whether to send the token)."""
    odd_bytes = st.binary(min_size=1, max_size=8).map(lambda raw: "".join(f"%{b:02x}" for b in raw))
    segment = v.mix(v.ids().map(_escape), st.sampled_from(["alice", "fuzz", "mallory"]), odd_bytes)
    path = st.builds(lambda route, value: route.format(value), st.sampled_from(ROUTES), segment)
    return st.tuples(st.builds(lambda p, q: f"{p}?{q}" if q else p, path, queries()), st.booleans())


def test_odd_paths_and_queries__never_a_server_error(target):
    instance = target.instance

    def visit(example):
        path, signed_in = example
        reply = request("GET", instance.url(path), headers=target.auth if signed_in else {})
        check(target.log, f"GET {path}", reply)
        check_headers_bounded(f"GET {path}", reply)

    try:
        fuzz("public GETs", gets(), visit, examples=150, corpus=CORPUS)
    finally:
        check_still_answering(target.log, instance.base_url, target.after_paths(), headers=target.auth)
