"""Entities carry every field docs.joinmastodon.org documents for them (as of Mastodon 4.3), so
clients that read a field never find it missing."""

import io

from PIL import Image

from ..support import api

ACCOUNT = {
    "id", "username", "acct", "url", "display_name", "note", "avatar", "avatar_static", "header", "header_static",
    "locked", "fields", "emojis", "bot", "group", "discoverable", "noindex", "created_at", "last_status_at",
    "statuses_count", "followers_count", "following_count", "indexable", "hide_collections", "roles", "uri",
}
CREDENTIAL_ACCOUNT = ACCOUNT | {"source", "role"}
STATUS = {
    "id", "uri", "created_at", "account", "content", "visibility", "sensitive", "spoiler_text", "media_attachments",
    "application", "mentions", "tags", "emojis", "reblogs_count", "favourites_count", "replies_count", "url",
    "in_reply_to_id", "in_reply_to_account_id", "reblog", "poll", "card", "language", "text", "edited_at",
    "favourited", "reblogged", "muted", "bookmarked", "pinned", "filtered",
}
MEDIA = {"id", "type", "url", "preview_url", "remote_url", "meta", "description", "blurhash"}
RELATIONSHIP = {
    "id", "following", "showing_reblogs", "notifying", "languages", "followed_by", "blocking", "blocked_by", "muting",
    "muting_notifications", "requested", "requested_by", "domain_blocking", "endorsed", "note",
}
NOTIFICATION = {"id", "type", "created_at", "account", "status", "group_key"}
POLL = {"id", "expires_at", "expired", "multiple", "votes_count", "voters_count", "options", "emojis", "voted", "own_votes"}
INSTANCE_V2 = {"domain", "title", "version", "source_url", "description", "usage", "thumbnail", "languages",
               "configuration", "registrations", "contact", "rules"}


def _missing(entity: dict, documented: set[str]) -> set[str]:
    return documented - set(entity)


def test_entities__have_every_documented_field(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    alice, bob = api.client(instance, "alice"), api.client(instance, "bob")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(buffer, "PNG")
    photo = alice.media_post(buffer.getvalue(), mime_type="image/png", description="tiny")
    status = alice.status_post("shapes", media_ids=[photo["id"]], poll=None)
    polled = alice.status_post("pick", poll=alice.make_poll(["a", "b"], expires_in=600))
    bob.status_favourite(status["id"])

    assert _missing(alice.account_verify_credentials(), CREDENTIAL_ACCOUNT) == set()
    assert _missing(bob.account(alice.account_verify_credentials()["id"]), ACCOUNT) == set()
    assert _missing(alice.status(status["id"]), STATUS) == set()
    assert _missing(alice.status(status["id"])["media_attachments"][0], MEDIA) == set()
    assert _missing(polled["poll"], POLL) == set()
    assert _missing(bob.account_relationships([alice.account_verify_credentials()["id"]])[0], RELATIONSHIP) == set()
    assert _missing(alice.notifications()[0], NOTIFICATION) == set()
    assert _missing(alice.instance_v2(), INSTANCE_V2) == set()
