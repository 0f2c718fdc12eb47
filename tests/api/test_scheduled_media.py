"""A scheduled post keeps the photos chosen when it was scheduled, and publishes with them."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from mastodon import MastodonAPIError
from PIL import Image

from ..support import api


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_scheduled_post__is_published_with_its_photos(instance, clock):
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    photos = [alice.media_post(_photo(), mime_type="image/jpeg", description=f"loaf {n}") for n in (1, 2)]
    at = datetime.now(UTC) + timedelta(minutes=10)
    scheduled = alice.status_post("", media_ids=[p["id"] for p in reversed(photos)], scheduled_at=at)
    assert scheduled["params"]["media_ids"] == [str(p["id"]) for p in reversed(photos)]
    [listed] = alice.scheduled_statuses()
    assert [m["description"] for m in listed["media_attachments"]] == ["loaf 2", "loaf 1"]
    assert [m["id"] for m in alice.scheduled_status(scheduled["id"])["media_attachments"]] == [p["id"] for p in reversed(photos)]

    clock.advance(11 * 60)
    instance.drain()
    [published] = alice.timeline_home()
    assert [m["description"] for m in published["media_attachments"]] == ["loaf 2", "loaf 1"]


def test_scheduled_post__refuses_media_that_is_not_the_callers(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    photo = api.client(instance, "bob").media_post(_photo(), mime_type="image/jpeg")
    with pytest.raises(MastodonAPIError) as refused:
        api.client(instance, "alice").status_post(
            "mine now", media_ids=[photo["id"]], scheduled_at=datetime.now(UTC) + timedelta(minutes=10)
        )
    assert refused.value.args[1] == 422
