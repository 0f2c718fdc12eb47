"""Strangers' documents never break a request (issue 25, the federation causes).

A hostile remote on loopback (tests/support/hostile.py) signs real activities and posts them to a
live instance's inbox; the test drains the inbox worker, then reads the public, tag and account
timelines over HTTP as anyone would. Each test is named after the issue's cause it keeps fixed.
The rules themselves are in FEDERATION.md, "Normalising remote documents".
"""

import dataclasses
import json

import pytest

from redfed.store import actors as actor_store
from redfed.store import inbox as inbox_store
from redfed.store import posts as post_store

from ..support.hostile import PUBLIC, sign_post
from ..support.http import get

MAX_SQLITE_INT = 2**63 - 1
LONG_LABEL = "a" * 64


@pytest.fixture
def mallory(hostile):
    return hostile.add_actor("mallory")


def _send(instance, actor, activity, expected: int = 202):
    reply = sign_post(instance.url("/inbox"), activity, actor.signing_key, instance.clock()).send()
    assert reply.status == expected, reply.body
    instance.drain()
    return reply


def _stored(instance, uri):
    return instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, uri))


def _item_state(instance, activity_id) -> tuple[str, str | None]:
    async def read():
        async with instance.runtime.db.reader.execute(
            "SELECT state, last_error FROM inbox_items WHERE activity_id = ?", (activity_id,)
        ) as cursor:
            return tuple(await cursor.fetchone())

    return instance.run(read())


def _local_id(instance, actor) -> int:
    return instance.run(actor_store.find_actor_by_uri(instance.runtime.db.reader, actor.uri)).id


def _timelines_answer(instance, actor, tag: str = "bread") -> dict[str, list[dict]]:
    """The public, tag and account timelines and the author's account, each asserted to be 200."""
    pages = {
        "public": "/api/v1/timelines/public",
        "tag": f"/api/v1/timelines/tag/{tag}",
        "account": f"/api/v1/accounts/{_local_id(instance, actor)}/statuses",
        "lookup": f"/api/v1/accounts/lookup?acct=mallory@{actor.server.domain}",
    }
    answers = {}
    for name, path in pages.items():
        reply = get(instance.url(path))
        assert reply.status == 200, (name, reply.body[:300])
        answers[name] = reply.json()
    return answers


def _ids(statuses: list[dict]) -> set[str]:
    return {status["uri"] for status in statuses}


def _known_author(instance, mallory):
    """A first, ordinary post: the author is stored and has something on every timeline."""
    note = mallory.note("<p>fresh #bread</p>", tag=[{"type": "Hashtag", "name": "#bread"}])
    _send(instance, mallory, mallory.create(note))
    assert _stored(instance, note["id"]) is not None
    return note


def test_cause_1_an_object_id_that_is_no_url_is_refused_not_a_500(instance, mallory):
    create = mallory.activity("Create", "http://[", to=[PUBLIC])

    reply = _send(instance, mallory, create, expected=400)

    assert "object id must be an http(s) URL" in reply.json()["error"]
    assert instance.run(inbox_store.item_states(instance.runtime.db.reader)) == {}


@pytest.mark.parametrize("bad_url", [
    f"http://{LONG_LABEL}.example/notes/1",  # the socket's IDNA codec: label too long
    "http://xn--a.example/notes/1",  # not punycode: yarl's host raised
    "http://quote\x01d.example/notes/1",  # yarl dropped the control character
])
def test_cause_2_a_url_no_resolver_accepts_drops_the_field_and_refuses_the_announce(instance, mallory, bad_url):
    known = _known_author(instance, mallory)
    reply = mallory.note("<p>a reply #bread</p>", inReplyTo=bad_url, quoteUrl=bad_url, url=bad_url,
                         tag=[{"type": "Hashtag", "name": "#bread"}, {"type": "Mention", "href": bad_url}],
                         attachment=[{"type": "Image", "mediaType": "image/png", "url": bad_url}])
    create = mallory.create(reply)

    _send(instance, mallory, create)

    assert _item_state(instance, create["id"]) == ("done", None)
    stored = _stored(instance, reply["id"])
    assert stored.in_reply_to_uri is None and stored.url == reply["id"] and stored.attachments == ()
    assert _ids(_timelines_answer(instance, mallory)["tag"]) == {known["id"], reply["id"]}
    # An id is no optional field: an activity naming such an object is refused whole.
    assert _send(instance, mallory, mallory.activity("Announce", bad_url, to=[PUBLIC]), expected=400)


def test_cause_4_far_future_published_keeps_public_timeline_working(instance, mallory):
    known = _known_author(instance, mallory)
    future = mallory.note("<p>from the future #bread</p>", published="9999-12-31T23:59:59-23:59",
                          updated="9999-12-31T23:59:59-23:59", tag=[{"type": "Hashtag", "name": "#bread"}])
    before = int(instance.clock() * 1000)

    _send(instance, mallory, mallory.create(future))

    stored = _stored(instance, future["id"])
    after = int(instance.clock() * 1000)
    # Clamped to its arrival: a post from the future would head every timeline until then.
    assert before <= stored.published_at <= after and stored.edited_at == stored.published_at
    assert 0 < stored.id <= MAX_SQLITE_INT
    answers = _timelines_answer(instance, mallory)
    for name in ("public", "tag", "account"):
        assert _ids(answers[name]) == {known["id"], future["id"]}, name
    assert answers["lookup"]["last_status_at"] is not None


def test_cause_4_a_poll_ending_after_year_9999_has_no_end(instance, mallory):
    question = mallory.note("", type="Question", name="Tea or coffee?", endTime="9999-12-31T23:59:59-23:59",
                            oneOf=[{"type": "Note", "name": "Tea"}, {"type": "Note", "name": "Coffee"}])

    _send(instance, mallory, mallory.create(question))

    assert _stored(instance, question["id"]).poll["expires_at"] is None
    [status] = _timelines_answer(instance, mallory)["public"]
    assert status["poll"]["expires_at"] is None and status["poll"]["expired"] is False


def test_cause_7_tag_timeline_answers_after_posts_that_crashed_the_worker(instance, mallory):
    known = _known_author(instance, mallory)
    hostile_notes = [
        mallory.note("<p>#bread early</p>", published="0001-01-01T00:00:00+23:59"),
        mallory.note("<p>#bread late</p>", published="9999-12-31T23:59:59-23:59"),
        mallory.note("<p>#bread reply</p>", inReplyTo=f"http://{LONG_LABEL}.example/1"),
        mallory.note("<p>#bread unparsable</p>", published="yesterday"),
    ]
    for note in hostile_notes:
        _send(instance, mallory, mallory.create(note | {"tag": [{"type": "Hashtag", "name": "#bread"}]}))

    tagged = _timelines_answer(instance, mallory)["tag"]

    assert _ids(tagged) == {known["id"], hostile_notes[1]["id"], hostile_notes[2]["id"]}


def test_cause_9_public_timeline_answers_after_posts_that_crashed_the_worker(instance, mallory):
    known = _known_author(instance, mallory)
    late = mallory.note("late", published="9999-12-31T23:59:59-23:59", updated="not a date",
                        attachment=[{"type": "Image", "url": "http://[::1", "name": "alt"}])
    early = mallory.create(mallory.note("early", published="1969-12-31T23:59:59Z"))
    _send(instance, mallory, mallory.create(late))
    _send(instance, mallory, early)

    public = _timelines_answer(instance, mallory)["public"]

    assert _ids(public) == {known["id"], late["id"]}
    state, reason = _item_state(instance, early["id"])
    assert state == "failed" and "published must be a date" in reason


def test_cause_20_an_actor_whose_id_is_no_url_is_refused_401_not_500(instance, hostile, mallory):
    hostile.serve(mallory.path, mallory.document() | {"id": "//1"})

    reply = _send(instance, mallory, mallory.create(mallory.note()), expected=401)

    assert "could not fetch the signing key" in reply.json()["error"]
    assert instance.run(actor_store.find_actor_by_uri(instance.runtime.db.reader, mallory.uri)) is None


def test_cause_21_year_0_published_is_refused_and_the_authors_account_still_renders(instance, mallory):
    known = _known_author(instance, mallory)
    ancient = mallory.create(mallory.note("ancient", published="0001-01-01T00:00:00+23:59"))

    _send(instance, mallory, ancient)

    state, reason = _item_state(instance, ancient["id"])
    assert state == "failed" and "published must be a date, not before 1970" in reason
    answers = _timelines_answer(instance, mallory)
    assert _ids(answers["account"]) == {known["id"]}
    assert answers["lookup"]["statuses_count"] == 1 and answers["lookup"]["last_status_at"] is not None


def test_a_lone_surrogate_in_a_remote_note_refuses_the_activity_whole(instance, mallory):
    create = mallory.create(mallory.note("half a pair: SURROGATE"))
    body = json.dumps(create).replace("SURROGATE", "\\ud800").encode()

    reply = _send(instance, mallory, body, expected=400)

    assert "unpaired surrogate" in reply.json()["error"]
    assert _stored(instance, create["object"]["id"]) is None


def test_a_row_stored_before_these_rules_is_rendered_within_range(instance, mallory):
    """An existing database may hold what the old rules let in: its pages still answer."""
    known = _known_author(instance, mallory)
    stored = _stored(instance, known["id"])
    old = dataclasses.replace(stored, id=stored.id + 1, uri=stored.uri + "/old", published_at=253_402_387_139_000,
                              edited_at=-1)

    async def store_old_row():
        async with instance.runtime.db.transaction() as conn:
            await post_store.insert_post(conn, old)
            await post_store.replace_tags(conn, old.id, ["bread"])

    instance.run(store_old_row())

    answers = _timelines_answer(instance, mallory)
    for name in ("public", "tag", "account"):
        assert _ids(answers[name]) == {known["id"], old.uri}, name
    shown = next(status for status in answers["public"] if status["uri"] == old.uri)
    assert shown["created_at"] == "9999-12-31T23:59:59.999Z" and shown["edited_at"] == "1970-01-01T00:00:00.000Z"


def test_an_item_that_fails_unexpectedly_is_recorded_and_the_worker_goes_on(instance, mallory):
    """A row no check of today would have stored (a list, not an activity) fails alone."""
    async def store_odd_item(activity_id):
        async with instance.runtime.db.transaction() as conn:
            await inbox_store.insert_item(
                conn, activity_id, "Create", mallory.uri, None, "[]", int(instance.clock() * 1000)
            )

    instance.run(store_odd_item(odd_id := mallory.server.new_id()))
    note = mallory.note("after the odd one")

    _send(instance, mallory, mallory.create(note))

    state, reason = _item_state(instance, odd_id)
    assert state == "failed" and reason.startswith("AttributeError")
    assert instance.run(inbox_store.item_states(instance.runtime.db.reader)) == {"failed": 1, "done": 1}
    assert _stored(instance, note["id"]) is not None
