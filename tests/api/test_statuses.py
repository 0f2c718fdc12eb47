"""Statuses through Mastodon.py: post, read, edit, delete, and act on them, as apps do."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from mastodon import MastodonAPIError, MastodonNotFoundError

from redfed.services.social import follows
from redfed.store import posts as post_store

from ..support import api
from ..support.http import AP, get, request


@pytest.fixture
def alice(instance):
    instance.create_user("alice")
    return api.client(instance, "alice")


@pytest.fixture
def bob(instance):
    instance.create_user("bob")
    return api.client(instance, "bob")


def test_post__is_created_rendered_and_readable(instance, alice):
    status = alice.status_post("Hello #fediverse https://example.com", spoiler_text="greeting", visibility="unlisted")
    assert status["visibility"] == "unlisted" and status["spoiler_text"] == "greeting" and status["sensitive"]
    assert 'class="mention hashtag"' in status["content"]
    assert [t["name"] for t in status["tags"]] == ["fediverse"]
    assert status["application"]["name"] == "test app"
    assert status["account"]["acct"] == "alice"
    assert alice.status(status["id"])["uri"] == status["uri"]
    assert api.client(instance).status(status["id"])["id"] == status["id"]  # anonymous, unlisted


def test_post__idempotency_key_makes_one_post(instance, alice):
    first = alice.status_post("only once", idempotency_key="abc-123")
    second = alice.status_post("only once", idempotency_key="abc-123")
    assert first["id"] == second["id"]
    assert alice.account_verify_credentials()["statuses_count"] == 1


def test_post__bad_input_is_422_and_stores_nothing(instance, alice):
    for kwargs in ({"status": ""}, {"status": "x" * 501}):
        with pytest.raises(MastodonAPIError) as raised:
            alice.status_post(**kwargs)
        assert raised.value.args[1] == 422
    # Mastodon.py checks visibility itself; other clients may not.
    headers = {"Authorization": f"Bearer {alice.access_token}", "Content-Type": "application/json"}
    body = json.dumps({"status": "hi", "visibility": "secret"}).encode()
    reply = request("POST", instance.url("/api/v1/statuses"), headers=headers, body=body)
    assert reply.status == 422 and "visibility" in reply.json()["error"]
    assert alice.account_verify_credentials()["statuses_count"] == 0


def test_edit__keeps_history_and_source(alice):
    status = alice.status_post("first version")
    alice.status_update(status["id"], "second version", spoiler_text="cw")
    assert [v["content"] for v in alice.status_history(status["id"])] == ["<p>first version</p>", "<p>second version</p>"]
    assert alice.status_source(status["id"]) == {"id": status["id"], "text": "second version", "spoiler_text": "cw"}
    assert alice.status(status["id"])["edited_at"] is not None


def test_delete__returns_the_source_for_redraft_and_only_the_author_may(alice, bob):
    status = alice.status_post("to be deleted")
    with pytest.raises(MastodonNotFoundError):
        bob.status_delete(status["id"])
    deleted = alice.status_delete(status["id"])
    assert deleted["text"] == "to be deleted"
    with pytest.raises(MastodonNotFoundError):
        alice.status(status["id"])


def test_context__lists_ancestors_and_descendants(alice, bob):
    root = alice.status_post("root")
    reply = bob.status_post("@alice reply", in_reply_to_id=root["id"])
    deeper = alice.status_post("@bob deeper", in_reply_to_id=reply["id"])
    context = alice.status_context(reply["id"])
    assert [s["id"] for s in context["ancestors"]] == [root["id"]]
    assert [s["id"] for s in context["descendants"]] == [deeper["id"]]
    assert reply["in_reply_to_id"] == root["id"]


def test_favourite_reblog_bookmark_and_pin__show_on_the_status(alice, bob):
    status = alice.status_post("lovely bread")
    assert bob.status_favourite(status["id"])["favourited"] is True
    reblog = bob.status_reblog(status["id"])
    assert reblog["reblog"]["id"] == status["id"]
    assert bob.status_bookmark(status["id"])["bookmarked"] is True
    seen = bob.status(status["id"])
    assert (seen["favourites_count"], seen["reblogs_count"]) == (1, 1)
    assert seen["favourited"] and seen["reblogged"] and seen["bookmarked"]
    assert [a["username"] for a in alice.status_favourited_by(status["id"])] == ["bob"]
    assert [a["username"] for a in alice.status_reblogged_by(status["id"])] == ["bob"]
    assert alice.status_pin(status["id"])["pinned"] is True
    assert bob.status_unfavourite(status["id"])["favourited"] is False
    assert bob.status_unreblog(status["id"])["reblogged"] is False


def test_followers_only_post__is_hidden_from_others(instance, alice, bob):
    secret = alice.status_post("for followers", visibility="private")
    with pytest.raises(MastodonNotFoundError):
        bob.status(secret["id"])
    with pytest.raises(MastodonNotFoundError):
        bob.status_favourite(secret["id"])
    instance.run(follows.follow(instance.ctx, instance.actor("bob"), instance.actor("alice")))
    assert bob.status(secret["id"])["id"] == secret["id"]


def test_scopes__read_only_token_cannot_post(instance, alice):
    reader = api.client(instance, "alice", scopes="read")
    with pytest.raises(MastodonAPIError) as raised:
        reader.status_post("nope")
    assert raised.value.args[1] == 403


def test_poll__local_votes_are_counted_once(instance, alice, bob):
    status = alice.status_post("tea or coffee?", poll=alice.make_poll(["tea", "coffee"], expires_in=3600))
    assert [o["title"] for o in status["poll"]["options"]] == ["tea", "coffee"]
    poll = bob.poll_vote(status["poll"]["id"], [1])
    assert poll["voted"] and poll["own_votes"] == [1]
    assert [o["votes_count"] for o in bob.poll(status["poll"]["id"])["options"]] == [0, 1]
    with pytest.raises(MastodonAPIError, match="already voted"):
        bob.poll_vote(status["poll"]["id"], [0])
    with pytest.raises(MastodonAPIError, match="your own poll"):
        alice.poll_vote(status["poll"]["id"], [0])


def test_poll__votes_federate_to_the_polls_server(instance, start_instance):
    other = start_instance("other")
    other.create_user("dana")
    instance.create_user("alice")
    dana, alice = api.client(other, "dana"), api.client(instance, "alice")
    question = dana.status_post(f"@alice@{instance.domain} pick one", poll=dana.make_poll(["a", "b"], expires_in=3600))
    other.drain()
    instance.drain()
    on_here = alice.status(instance.run(_post_id_by_uri(instance, question["uri"])))
    assert on_here["poll"]["options"][0]["title"] == "a"
    alice.poll_vote(on_here["poll"]["id"], [0])
    instance.drain()
    other.drain()
    assert [o["votes_count"] for o in dana.poll(question["poll"]["id"])["options"]] == [1, 0]


async def _post_id_by_uri(instance, uri):
    return (await post_store.find_post_by_uri(instance.runtime.db.reader, uri)).id


def test_scheduled_post__is_published_when_its_time_comes(instance, alice, clock):
    at = datetime.now(UTC) + timedelta(minutes=10)
    scheduled = alice.status_post("good morning", scheduled_at=at)
    assert scheduled["params"]["text"] == "good morning"
    assert [s["id"] for s in alice.scheduled_statuses()] == [scheduled["id"]]
    with pytest.raises(MastodonAPIError, match="5 minutes"):
        alice.status_post("too soon", scheduled_at=datetime.now(UTC) + timedelta(minutes=1))
    instance.drain()
    assert alice.account_verify_credentials()["statuses_count"] == 0
    clock.advance(11 * 60)
    instance.drain()
    assert alice.scheduled_statuses() == []
    assert [s["content"] for s in alice.timeline_home()] == ["<p>good morning</p>"]


def _photo(width=64, height=48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_post_with_photos__attaches_them_in_order_and_federates_them(instance, alice, bob):
    first = alice.media_post(_photo(), mime_type="image/jpeg", description="a loaf")
    second = alice.media_post(_photo(32, 32), mime_type="image/jpeg", description="a crumb")
    status = alice.status_post("new bake", media_ids=[second["id"], first["id"]])
    assert [m["description"] for m in status["media_attachments"]] == ["a crumb", "a loaf"]
    assert status["media_attachments"][0]["meta"]["original"]["width"] == 32
    note = get(status["uri"], AP).json()
    assert [a["name"] for a in note["attachment"]] == ["a crumb", "a loaf"]
    assert note["attachment"][0]["mediaType"] == "image/jpeg"
    with pytest.raises(MastodonAPIError, match="already attached"):
        alice.status_post("again", media_ids=[first["id"]])
    with pytest.raises(MastodonAPIError, match="not found"):
        bob.status_post("not mine", media_ids=[first["id"]])


def test_post_with_photos__needs_no_text_and_edits_can_change_them(instance, alice):
    photo = alice.media_post(_photo(), mime_type="image/jpeg")
    status = alice.status_post("", media_ids=[photo["id"]])
    assert len(status["media_attachments"]) == 1
    other = alice.media_post(_photo(10, 10), mime_type="image/jpeg")
    edited = alice.status_update(status["id"], "now with words", media_ids=[other["id"]])
    assert [m["id"] for m in edited["media_attachments"]] == [other["id"]]
