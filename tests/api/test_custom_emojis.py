"""Custom emoji: admins add them (the CLI, the service), apps list them through Mastodon.py, posts
carry them as `Emoji` tags to other servers and show them in statuses' `emojis`."""

import io

import pytest
import requests
from PIL import Image

from redfed.errors import Unprocessable
from redfed.services.accounts import profiles
from redfed.services.emoji import emojis
from redfed.services.social import posts

from ..federation.test_posts import _connect, _settle, _stored
from ..support import api
from ..support.hostile import HostileServer
from ..support.http import get
from ..test_cli import assert_one_line_error, redfed


def _png(colour="red") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGBA", (32, 32), colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def _add(instance, shortcode: str, admin: str = "ada", category: str | None = None):
    return instance.run(emojis.add(instance.ctx, instance.actor(admin), shortcode, _png(), category))


@pytest.fixture
def hostile():
    server = HostileServer().start()
    yield server
    server.stop()


def test_custom_emojis__lists_what_admins_added_with_a_served_image(instance, tmp_path):
    instance.create_user("ada", is_admin=True)
    _add(instance, "blobcat", category="Blobs")
    image = tmp_path / "bread.png"
    image.write_bytes(_png("brown").getvalue())
    added = redfed("--config", str(instance.config_file()), "emoji", "add", "bread", str(image), "--by", "ada")
    assert added.returncode == 0 and added.stdout.strip() == ":bread: added", added.stderr

    listed = api.client(instance).custom_emojis()
    assert [(e["shortcode"], e.get("category")) for e in listed] == [("blobcat", "Blobs"), ("bread", None)]
    assert all(e["visible_in_picker"] for e in listed)
    served = get(listed[1]["url"])
    assert served.status == 200 and served.headers["Content-Type"].startswith("image/")

    removed = redfed("--config", str(instance.config_file()), "emoji", "remove", "bread")
    assert removed.returncode == 0, removed.stderr
    assert [e["shortcode"] for e in api.client(instance).custom_emojis()] == ["blobcat"]
    assert_one_line_error(redfed("--config", str(instance.config_file()), "emoji", "remove", "bread"), "No emoji :bread:")


def test_custom_emojis__refuses_bad_shortcodes_taken_ones_and_non_images(instance):
    instance.create_user("ada", is_admin=True)
    _add(instance, "blobcat")
    for shortcode in ("blobcat", "x", "has space", 'a"><script>', "a" * 65):
        with pytest.raises(Unprocessable):
            _add(instance, shortcode)
    with pytest.raises(Unprocessable):
        instance.run(emojis.add(instance.ctx, instance.actor("ada"), "text", io.BytesIO(b"<svg onload=alert(1)>")))
    assert [e.shortcode for e in instance.run(emojis.list_local(instance.runtime.db))] == ["blobcat"]


def test_local_post__shows_the_emoji_its_text_names(instance):
    instance.create_user("ada", is_admin=True)
    alice = instance.create_user("alice").actor
    blobcat = _add(instance, "blobcat")
    _add(instance, "unused")
    post = instance.run(posts.create_local_post(instance.ctx, alice, "fresh :blobcat: bread, not:blobcat:nor :nope:"))
    status = api.client(instance, "alice").status(post.id)
    assert [(e["shortcode"], e["url"]) for e in status["emojis"]] == [("blobcat", blobcat.image_url)]
    assert ":blobcat:" in status["content"]  # apps draw the image in its place


def test_federation__emoji_travel_as_tags_to_another_instance(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob", is_admin=True)
    _connect(a, b)  # alice@a follows bob@b
    blobcat = _add(b, "blobcat", admin="bob")
    post = b.run(posts.create_local_post(b.ctx, b.actor("bob"), "warm :blobcat: loaves"))
    _settle(a, b)

    copy = _stored(a, post.uri)
    [emoji] = api.client(a, "alice").status(copy.id)["emojis"]
    assert emoji["shortcode"] == "blobcat" and _our_copy(a, emoji["url"], of=blobcat.image_url)
    # a's own picker is not filled with other servers' emoji.
    assert api.client(a).custom_emojis() == []


def test_remote_post__keeps_well_formed_emoji_tags_only(instance, hostile):
    instance.create_user("alice")
    mallory = hostile.add_actor("mallory")
    good = {"type": "Emoji", "id": hostile.url("/emojis/1"), "name": ":party:",
            "icon": {"type": "Image", "url": hostile.url("/files/party.png")}}
    bad = [
        {"type": "Emoji", "name": ':x"><script>alert(1)</script>:', "icon": {"url": hostile.url("/x.png")}},
        {"type": "Emoji", "name": ":nourl:", "icon": {"url": "javascript:alert(1)"}},
        {"type": "Emoji", "name": 42, "icon": {"url": hostile.url("/y.png")}},
    ]
    note = mallory.note(":party: time", tag=[good, *bad])
    instance.run(posts.store_remote_post(instance.ctx, note, instance.resolve(mallory.uri), 0))

    stored = _stored(instance, note["id"])
    status = api.client(instance, "alice").status(stored.id)
    assert [(e["shortcode"], e["url"]) for e in status["emojis"]] == [("party", hostile.url("/files/party.png"))]


def test_accounts__names_and_bios_show_their_emoji_on_this_and_other_servers(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob", is_admin=True)
    blobcat, bread = _add(b, "blobcat", admin="bob"), _add(b, "bread", admin="bob")
    b.run(profiles.update_profile(b.ctx, b.actor("bob"), display_name="Bob :bread:", bio="baker :blobcat: :none:"))
    own = api.client(b, "bob").account_verify_credentials()
    assert [(e["shortcode"], e["url"]) for e in own["emojis"]] == [("blobcat", blobcat.image_url), ("bread", bread.image_url)]

    _connect(a, b)  # alice@a follows bob@b: a fetches bob's document, with its Emoji tags
    a.drain()  # and its workers copy their images
    seen = api.client(a, "alice").account_search("bob@" + b.domain)[0]
    assert [e["shortcode"] for e in seen["emojis"]] == ["blobcat", "bread"]
    assert all(_our_copy(a, e["url"], of=o.image_url) for e, o in zip(seen["emojis"], (blobcat, bread), strict=True))


def _our_copy(instance, url: str, *, of: str) -> bool:
    """`url` is this instance's copy of the remote image at `of`: served from here, the same picture."""
    mine, theirs = get(url), get(of)
    same = Image.open(io.BytesIO(mine.body)).convert("RGBA").tobytes() == Image.open(io.BytesIO(theirs.body)).convert("RGBA").tobytes()
    return url.startswith(instance.url("/media/")) and mine.status == 200 and same


def test_admin_api__adds_files_and_removes_an_emoji_and_refuses_others(instance):
    instance.create_user("ada", is_admin=True)
    instance.create_user("bob")
    admin = {"Authorization": "Bearer " + api.token_for(instance, "ada", scopes="read write admin:read admin:write")}
    image = io.BytesIO()
    Image.new("RGB", (24, 24), "teal").save(image, "PNG")
    url = instance.url("/api/v1/redfed/admin/custom_emojis")

    added = requests.post(url, headers=admin, data={"shortcode": "tealcat", "category": "cats"},
                          files={"image": ("tealcat.png", image.getvalue(), "image/png")}, timeout=10)
    assert added.status_code == 200 and added.json()["category"] == "cats"
    changed = requests.patch(f"{url}/tealcat", headers=admin, json={"visible_in_picker": False}, timeout=10)
    assert changed.json()["visible_in_picker"] is False and changed.json()["category"] == "cats"
    huge = requests.post(url, headers=admin, data={"shortcode": "huge"},
                         files={"image": ("huge.png", b"\x89PNG" + b"0" * 300_000, "image/png")}, timeout=10)
    assert huge.status_code == 422 and "256 KB" in huge.json()["error"]

    bob = {"Authorization": "Bearer " + api.token_for(instance, "bob", scopes="read write admin:read admin:write")}
    assert requests.delete(f"{url}/tealcat", headers=bob, timeout=10).status_code == 403
    assert requests.delete(f"{url}/tealcat", headers=admin, timeout=10).status_code == 200
    assert requests.delete(f"{url}/tealcat", headers=admin, timeout=10).status_code == 404
