"""The admin's trends page over plain HTTP: the hashtags trending now, each approved or rejected
with the session's CSRF token; members get a 403 page."""

import re

from ..support import api
from .test_forms import Browser


def _token(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text)[1]


def test_trends_page__an_admin_approves_then_rejects_a_trending_hashtag(instance):
    instance.create_user("ada", is_admin=True)
    for name in ("alice", "bob"):
        instance.create_user(name)
        api.client(instance, name).status_post("#picnic by the river")
    ada = Browser()
    ada.sign_in(instance, "ada")
    shown = ada.open(instance.url("/admin/trends")).text
    assert "#picnic" in shown and "Waiting for review" in shown

    refused = ada.open(instance.url("/admin/trends/tags/picnic/approve"), {"csrf_token": "wrong"})
    assert refused.status == 403 and api.client(instance).trending_tags() == []
    approved = ada.open(instance.url("/admin/trends/tags/picnic/approve"), {"csrf_token": _token(shown)})
    assert approved.status == 303
    assert [t["name"] for t in api.client(instance).trending_tags()] == ["picnic"]

    shown = ada.open(instance.url("/admin/trends")).text
    assert "/admin/trends/tags/picnic/approve" not in shown  # approved already: only rejecting is offered
    ada.open(instance.url("/admin/trends/tags/picnic/reject"), {"csrf_token": _token(shown)})
    assert api.client(instance).trending_tags() == []


def test_trends_page__members_get_a_403_page(instance):
    instance.create_user("alice")
    alice = Browser()
    alice.sign_in(instance, "alice")
    assert alice.open(instance.url("/admin/trends")).status == 403
    token = _token(alice.open(instance.url("/home")).text)
    assert alice.open(instance.url("/admin/trends/tags/picnic/approve"), {"csrf_token": token}).status == 403
