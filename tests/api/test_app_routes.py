"""The routes apps such as Tusky, Ivory, Elk and Phanpy call at start-up and in daily use answer
real data once there is some: none is a stub or a 404 where Mastodon would answer."""

import io
import json

import pytest
from PIL import Image

from redfed.services.announcements import announcements
from redfed.services.emoji import emojis
from redfed.services.social import follows, posts

from ..support import api
from ..support.http import get


@pytest.fixture
def day_of_use(instance):
    """alice follows and endorses bob, who posted; an emoji, an announcement and a filter exist."""
    alice = instance.create_user("alice", is_admin=True).actor
    bob = instance.create_user("bob").actor
    image = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(image, "PNG")
    image.seek(0)
    instance.run(emojis.add(instance.ctx, alice, "blobcat", image))
    instance.run(announcements.publish(instance.runtime.db, "welcome", int(instance.clock() * 1000)))
    instance.run(follows.follow(instance.ctx, alice, bob))
    post = instance.run(posts.create_local_post(instance.ctx, bob, "@alice fresh :blobcat: bread"))
    client = api.client(instance, "alice")
    client.account_endorse(bob.id)
    client.filter_create("spelt", ["home"])
    return {"alice": alice.id, "bob": bob.id, "post": post.id, "token": api.token_for(instance, "alice")}


# Each route with what must be in its answer once the day above happened.
NON_EMPTY = [
    "/api/v1/custom_emojis", "/api/v1/announcements", "/api/v1/filters", "/api/v2/filters",
    "/api/v1/endorsements", "/api/v1/statuses?id[]={post}", "/api/v1/accounts?id[]={bob}&id[]={alice}",
    "/api/v1/accounts/{alice}/endorsements", "/api/v1/timelines/home", "/api/v1/notifications",
    "/api/v1/directory?local=true", "/api/v1/instance/activity",
]
ANSWERED = [
    "/api/v2/notifications/policy", "/api/v1/notifications/policy", "/api/v1/notifications/requests",
    "/api/v1/instance/translation_languages", "/api/v1/markers?timeline[]=home", "/api/v1/preferences",
    "/api/v1/instance/peers",  # empty until another server is known
    "/api/v2/suggestions", "/api/v1/suggestions", "/api/v1/notifications/requests",
    "/api/v1/notifications/requests/merged",
]


def _get(instance, path: str, token: str):
    reply = get(instance.url(path), {"Authorization": f"Bearer {token}"})
    return reply.status, json.loads(reply.body)


@pytest.mark.parametrize("route", NON_EMPTY)
def test_daily_route__answers_real_data(instance, day_of_use, route):
    status, body = _get(instance, route.format(**day_of_use), day_of_use["token"])
    assert status == 200 and body, (route, body)


@pytest.mark.parametrize("route", ANSWERED)
def test_start_up_route__answers(instance, day_of_use, route):
    status, _ = _get(instance, route, day_of_use["token"])
    assert status == 200


def test_instance__names_the_vapid_key_and_the_statuses_show_their_emoji(instance, day_of_use):
    _, v2 = _get(instance, "/api/v2/instance", day_of_use["token"])
    assert v2["configuration"]["vapid"]["public_key"]
    _, [status] = _get(instance, f"/api/v1/statuses?id[]={day_of_use['post']}", day_of_use["token"])
    assert [e["shortcode"] for e in status["emojis"]] == ["blobcat"]
    _, directory = _get(instance, "/api/v1/directory?local=true&order=new", day_of_use["token"])
    assert [a["username"] for a in directory] == ["bob", "alice"]
