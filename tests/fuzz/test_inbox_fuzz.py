"""The inbox: any activity a remote signs for real is answered 2xx or 4xx, and the inbox worker
applies, ignores or refuses it without crashing."""

from hypothesis import strategies as st

from ..support.hostile import sign_post
from ..support.http import get
from .activities import activities
from .budget import fuzz, time_limit
from .oracle import check, check_still_answering
from .values import encode

INBOXES = ["/inbox", "/users/alice/inbox"]

pytestmark = time_limit


def corpus(target) -> tuple:
    """Activities that broke redfed before (issue 25 causes 1, 2, 4 and 21)."""
    mallory, world = target.mallory, target.world()
    odd = [{"published": "9999-12-31T23:59:59-23:59"}, {"published": "0001-01-01T00:00:00+23:59"},
           {"quoteUrl": "http://" + "a" * 64 + ".example/\x07"}]
    notes = [mallory.note("#fuzz", id=world.fresh("notes"), **fields) for fields in odd]
    creates = [mallory.activity("Create", "http://[", id=world.fresh("activities"))]
    creates += [mallory.create(note, id=world.fresh("activities")) for note in notes]
    return tuple(("/inbox", create) for create in creates)


def test_signed_activities__never_break_the_inbox_or_its_worker(target):
    instance = target.instance

    def deliver(example):
        path, activity = example
        reply = sign_post(instance.url(path), encode(activity), target.mallory.signing_key, instance.clock()).send()
        instance.drain()
        check(target.log, f"POST {path} {activity['type']!r}", reply)

    try:
        fuzz("inbox", st.tuples(st.sampled_from(INBOXES), activities(target.world())), deliver, examples=60,
             corpus=corpus(target))
    finally:
        lookup = get(instance.url(f"/api/v1/accounts/lookup?acct=mallory@{target.remote.domain}"))
        check(target.log, "the remote author's account", lookup)
        author = lookup.json()["id"]
        check_still_answering(target.log, instance.base_url, target.after_paths() + [
            f"/api/v1/accounts/{author}", f"/api/v1/accounts/{author}/statuses",
        ], headers=target.auth)
