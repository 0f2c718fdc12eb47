"""The admin's custom emoji and announcements pages over plain HTTP: an emoji added with its image
and category, refused with the reason when its image is too big (the form keeps what was typed),
hidden from pickers, removed; an announcement published now or for later, then withdrawn; and
nobody but an admin gets in."""

import io
import re

import requests
from PIL import Image

from ..support import api

PASSWORD = "correct horse battery"


def _signed_in(instance, username: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(instance.url("/auth/sign_in"), timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    session.post(instance.url("/auth/sign_in"), {"csrf_token": token, "username": username, "password": PASSWORD}, timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(instance.url("/admin/emoji"), timeout=10).text)
    return session, token[1] if token else ""


def _png(size: int, noise: bool = False) -> bytes:
    image = Image.effect_noise((size, size), 90).convert("RGB") if noise else Image.new("RGB", (size, size), "purple")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_admin_emoji__added_refused_hidden_and_removed(instance):
    instance.create_user("ada", is_admin=True)
    instance.create_user("bob")
    admin, csrf = _signed_in(instance, "ada")
    assert "no custom emoji yet" in admin.get(instance.url("/admin/emoji"), timeout=10).text

    too_big = admin.post(instance.url("/admin/emoji"), {"csrf_token": csrf, "shortcode": "huge"},
                         files={"image": ("huge.png", _png(600, noise=True), "image/png")}, timeout=10)
    assert too_big.status_code == 422 and "at most 256 KB" in too_big.text and 'value="huge"' in too_big.text

    added = admin.post(instance.url("/admin/emoji"), {"csrf_token": csrf, "shortcode": ":blobcat:", "category": "cats"},
                       files={"image": ("blobcat.png", _png(32), "image/png")}, timeout=10)
    assert added.status_code == 200 and 'alt=":blobcat:"' in added.text
    listed = api.client(instance, "bob").custom_emojis()
    assert [(e["shortcode"], e["category"]) for e in listed] == [("blobcat", "cats")]

    admin.post(instance.url("/admin/emoji/blobcat"), {"csrf_token": csrf, "category": ""}, timeout=10)
    assert api.client(instance, "bob").custom_emojis() == []  # hidden from pickers
    assert "Hidden from pickers" in admin.get(instance.url("/admin/emoji"), timeout=10).text
    admin.post(instance.url("/admin/emoji/blobcat"), {"csrf_token": csrf, "remove": "on"}, timeout=10)
    assert 'alt=":blobcat:"' not in admin.get(instance.url("/admin/emoji"), timeout=10).text

    bob, _ = _signed_in(instance, "bob")
    assert bob.get(instance.url("/admin/emoji"), timeout=10).status_code == 403
    assert bob.get(instance.url("/admin/announcements"), timeout=10).status_code == 403


def test_admin_announcements__published_now_or_later_then_withdrawn(instance):
    instance.create_user("ada", is_admin=True)
    admin, csrf = _signed_in(instance, "ada")
    admin.post(instance.url("/admin/announcements"), {"csrf_token": csrf, "text": "Bake-off on Sunday!"}, timeout=10)
    admin.post(instance.url("/admin/announcements"),
               {"csrf_token": csrf, "text": "New year, new rules", "starts_at": "2099-01-01T00:00"}, timeout=10)
    page = admin.get(instance.url("/admin/announcements"), timeout=10).text
    assert "Bake-off on Sunday!" in page and "Scheduled for" in page
    client = api.client(instance, "ada")
    assert [a["content"] for a in client.announcements()] == ["<p>Bake-off on Sunday!</p>"]

    refused = admin.post(instance.url("/admin/announcements"), {"csrf_token": csrf, "text": ""}, timeout=10)
    assert refused.status_code == 422
    [shown] = client.announcements()
    admin.post(instance.url(f"/admin/announcements/{shown['id']}/remove"), {"csrf_token": csrf}, timeout=10)
    assert client.announcements() == []
