"""Posting and editing statuses: any form, JSON or multipart body an app sends with a real token
is answered 2xx or 4xx, and what it stored still renders in every timeline."""

from hypothesis import strategies as st

from ..support.http import request
from . import values as v
from .activities import TAG
from .bodies import bodies
from .budget import fuzz, time_limit
from .oracle import check, check_still_answering

pytestmark = time_limit


def status_fields(post_id: str) -> dict[str, st.SearchStrategy]:
    ids = v.maybe_odd(st.just(post_id), v.ids())
    return {
        "status": v.maybe_odd(st.just(f"hello #{TAG}"), v.text()), "in_reply_to_id": ids, "quoted_status_id": ids,
        "media_ids[]": v.ids(), "media_ids": v.maybe_odd(st.lists(v.ids(), max_size=3)),
        "sensitive": v.maybe_odd(st.sampled_from(["true", "false"])), "spoiler_text": v.text(),
        "visibility": v.maybe_odd(st.sampled_from(["public", "unlisted", "private", "direct"]), v.text()),
        "language": v.maybe_odd(st.sampled_from(["en", "fr"]), v.text()), "scheduled_at": v.maybe_odd(v.dates()),
        "poll[options][]": v.text(), "poll[expires_in]": v.maybe_odd(st.just("3600"), v.ids()),
        "poll[multiple]": v.maybe_odd(st.just("true")), "poll[hide_totals]": v.maybe_odd(st.just("false")),
        "poll": v.maybe_odd(st.fixed_dictionaries({"options": st.lists(v.text(), max_size=5),
                                                   "expires_in": v.maybe_odd(v.integers())})),
        "paid_partnership": v.maybe_odd(st.booleans()),
    }


# Bodies that broke redfed before (issue 25 causes 4, 10, 11 and 12).
CORPUS = (
    ("application/x-www-form-urlencoded", b"status=later&scheduled_at=9999-12-31T23%3A59%3A59-23%3A59"),
    ("application/json", b"\xa1"), ("application/json", b"[" * 5000 + b"]" * 5000),
    ("application/x-www-form-urlencoded",
     b"status=x&in_reply_to_id=9223372036854775808&scheduled_at=2030-01-01T00%3A00%3A00.123456789Z"),
)


def test_odd_status_bodies__never_a_server_error(target):
    instance = target.instance
    routes = st.sampled_from([("POST", "/api/v1/statuses"), ("PUT", f"/api/v1/statuses/{target.post_id}")])

    def send(example):
        (method, path), (content_type, body) = example
        reply = request(method, instance.url(path), body=body, headers={**target.auth, "Content-Type": content_type})
        check(target.log, f"{method} {path} {content_type} {body[:300]!r}", reply)

    try:
        fuzz("statuses", st.tuples(routes, bodies(status_fields(target.post_id))), send, examples=100,
             corpus=tuple((("POST", "/api/v1/statuses"), body) for body in CORPUS))
    finally:
        check_still_answering(target.log, instance.base_url, target.after_paths() + [
            f"/api/v1/statuses/{target.post_id}", "/api/v1/scheduled_statuses",
        ], headers=target.auth)
