"""Announcements through Mastodon.py: admins publish them (the CLI), accounts read, dismiss and react."""

import io

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError
from PIL import Image

from redfed.services.announcements import announcements
from redfed.services.emoji import emojis

from ..support import api
from ..test_cli import assert_one_line_error, redfed


def _publish(instance, text: str, **when):
    return instance.run(announcements.publish(instance.runtime.db, text, int(instance.clock() * 1000), **when))


def test_announcements__published_with_the_cli_are_listed_newest_first(instance, clock):
    instance.create_user("alice")
    config = str(instance.config_file())
    first = redfed("--config", config, "announcement", "publish", "Bakery closed on Monday")
    clock.advance(1)
    second = redfed("--config", config, "announcement", "publish", "New rules:\n\nbe kind https://example.com/rules")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr

    found = api.client(instance, "alice").announcements()
    assert [a["content"] for a in found][1] == "<p>Bakery closed on Monday</p>"
    assert found[0]["content"].startswith("<p>New rules:</p><p>be kind <a href=\"https://example.com/rules\"")
    assert all(not a["read"] and a["reactions"] == [] and a["all_day"] is False for a in found)
    listed = redfed("--config", config, "announcement", "list").stdout.splitlines()
    assert [line.split("\t")[2] for line in listed] == ["New rules:", "Bakery closed on Monday"]

    removed = redfed("--config", config, "announcement", "remove", found[1]["id"])
    assert removed.returncode == 0, removed.stderr
    assert [a["id"] for a in api.client(instance, "alice").announcements()] == [found[0]["id"]]
    assert_one_line_error(redfed("--config", config, "announcement", "remove", found[1]["id"]), "Record not found")


def test_announcements__scheduled_ones_show_from_their_moment_until_their_end(instance, clock):
    instance.create_user("alice")
    now = int(clock() * 1000)
    _publish(instance, "tomorrow's sale", published_at=now + 86_400_000, starts_at=now + 86_400_000)
    _publish(instance, "today only", ends_at=now + 3_600_000)
    client = api.client(instance, "alice")
    assert [a["content"] for a in client.announcements()] == ["<p>today only</p>"]

    clock.advance(86_400 + 1)
    shown = client.announcements()
    assert [a["content"] for a in shown] == ["<p>tomorrow's sale</p>"]
    assert shown[0]["starts_at"] is not None and shown[0]["ends_at"] is None


def test_dismiss__marks_read_for_that_account_only(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    published = _publish(instance, "welcome")
    alice = api.client(instance, "alice")
    alice.announcement_dismiss(published.id)

    assert alice.announcements() == []
    assert requested_with_dismissed(instance, "alice")[0]["read"] is True
    assert [a["read"] for a in api.client(instance, "bob").announcements()] == [False]


def test_reactions__count_per_name_with_the_callers_own_and_custom_emoji_images(instance, clock):
    instance.create_user("ada", is_admin=True)
    instance.create_user("alice")
    instance.create_user("bob")
    image = io.BytesIO()
    Image.new("RGB", (16, 16), "orange").save(image, "PNG")
    image.seek(0)
    blobcat = instance.run(emojis.add(instance.ctx, instance.actor("ada"), "blobcat", image))
    published = _publish(instance, "we moved the oven")
    alice, bob = api.client(instance, "alice"), api.client(instance, "bob")
    for client, name in [(alice, "🍞"), (bob, "🍞"), (bob, "blobcat"), (bob, "👩\u200d🍳"), (bob, "🇫🇷")]:
        clock.advance(0.01)  # reactions are listed in the order they were first given
        client.announcement_reaction_create(published.id, name)

    reactions = alice.announcements()[0]["reactions"]
    assert [(r["name"], r["count"], r["me"]) for r in reactions] == [
        ("🍞", 2, True), ("blobcat", 1, False), ("👩\u200d🍳", 1, False), ("🇫🇷", 1, False),
    ]
    assert reactions[1]["url"] == blobcat.image_url and reactions[0]["url"] is None

    alice.announcement_reaction_delete(published.id, "🍞")
    assert [(r["name"], r["count"], r["me"]) for r in alice.announcements()[0]["reactions"]][0] == ("🍞", 1, False)


@pytest.mark.parametrize("name", ["hello", "nosuchemoji", "<b>", "🍞🥖", "🍞" * 40])
def test_reactions__refuse_what_is_not_an_emoji(instance, name):
    instance.create_user("alice")
    published = _publish(instance, "hi")
    with pytest.raises(MastodonAPIError) as refused:
        api.client(instance, "alice").announcement_reaction_create(published.id, name)
    assert refused.value.args[1] == 422
    assert api.client(instance, "alice").announcements()[0]["reactions"] == []


def test_unknown_or_ended_announcement__is_404(instance, clock):
    instance.create_user("alice")
    ended = _publish(instance, "over soon", ends_at=int(clock() * 1000) + 1000)
    clock.advance(2)
    client = api.client(instance, "alice")
    with pytest.raises(MastodonNotFoundError):
        client.announcement_dismiss(ended.id)
    with pytest.raises(MastodonNotFoundError):
        client.announcement_reaction_create(999_999, "🍞")


def requested_with_dismissed(instance, username):
    """GET /api/v1/announcements?with_dismissed=true (Mastodon.py has no parameter for it)."""
    client = api.client(instance, username)
    return client._Mastodon__api_request("GET", "/api/v1/announcements", {"with_dismissed": True})
