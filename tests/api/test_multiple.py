"""Several records in one request: GET /api/v1/statuses?id[]= and /api/v1/accounts?id[]=, as apps
refresh what they hold; what the caller may not see is left out, never revealed."""

import json

from redfed.services.social import posts

from ..support import api
from ..support.http import get


def _get(instance, path: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = get(instance.url(path), headers)
    return reply.status, json.loads(reply.body)


def test_statuses__in_the_order_asked_without_what_the_caller_cannot_see(instance):
    alice = instance.create_user("alice").actor
    instance.create_user("bob")
    first = instance.run(posts.create_local_post(instance.ctx, alice, "first"))
    second = instance.run(posts.create_local_post(instance.ctx, alice, "second"))
    private = instance.run(posts.create_local_post(instance.ctx, alice, "friends only", visibility="private"))
    query = f"id[]={second.id}&id[]={private.id}&id[]=999&id[]=abc&id[]={first.id}&id[]={second.id}"

    status, found = _get(instance, f"/api/v1/statuses?{query}", api.token_for(instance, "bob"))
    assert status == 200 and [s["id"] for s in found] == [str(second.id), str(first.id)]
    _, own = _get(instance, f"/api/v1/statuses?{query}", api.token_for(instance, "alice"))
    assert [s["content"] for s in own] == ["<p>second</p>", "<p>friends only</p>", "<p>first</p>"]


def test_statuses__more_ids_than_mastodon_allows_is_422(instance):
    instance.create_user("alice")
    status, body = _get(instance, "/api/v1/statuses?" + "&".join(f"id[]={n}" for n in range(1, 22)))
    assert status == 422 and "too many" in body["error"]


def test_accounts__in_the_order_asked_through_mastodon_py(instance):
    alice, bob = instance.create_user("alice").actor, instance.create_user("bob").actor
    client = api.client(instance)
    found = client._Mastodon__api_request("GET", "/api/v1/accounts", {"id": [bob.id, 12345, alice.id]})
    assert [a["username"] for a in found] == ["bob", "alice"]
    status, _ = _get(instance, "/api/v1/accounts?" + "&".join(f"id[]={n}" for n in range(1, 42)))
    assert status == 422
