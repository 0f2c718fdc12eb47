"""An actor's outbox, followers, following and featured collections, shaped and paged as Mastodon's."""

import dataclasses

from redfed.services.social import follows, interactions, posts
from redfed.store import actors as actor_store
from redfed.store.social import follows as follow_store
from redfed.store.social import interactions as interaction_store

from ..support.http import AP, get


def _post(instance, actor, text, visibility="public"):
    return instance.run(posts.create_local_post(instance.ctx, actor, text, visibility=visibility))


def _get(url):
    reply = get(url, AP)
    assert reply.status == 200, reply.text
    assert reply.headers["Content-Type"] == "application/activity+json"
    return reply.json()


def _object_ids(page):
    return [item["object"]["id"] for item in page["orderedItems"]]


def test_outbox__counts_and_pages_public_activities_newest_first(instance):
    alice = instance.create_user("alice").actor
    public = [_post(instance, alice, f"post {n}", "public" if n % 2 else "unlisted") for n in range(23)]
    hidden = [_post(instance, alice, "for followers", "private"), _post(instance, alice, "just me", "direct")]
    base = instance.url("/users/alice/outbox")

    outbox = _get(base)
    assert outbox["type"] == "OrderedCollection"
    assert outbox["totalItems"] == 23
    assert outbox["first"] == base + "?page=true"

    first = _get(outbox["first"])
    assert first["type"] == "OrderedCollectionPage"
    assert first["id"] == base + "?page=true"
    assert first["partOf"] == base
    assert len(first["orderedItems"]) == 20
    assert {item["type"] for item in first["orderedItems"]} == {"Create"}
    assert first["orderedItems"][0]["object"]["content"] == "<p>post 22</p>"
    assert first["next"].startswith(base + "?page=true&max_id=")

    second = _get(first["next"])
    assert second["id"] == first["next"]
    assert "next" not in second
    newest_first = [post.uri for post in reversed(public)]
    assert _object_ids(first) + _object_ids(second) == newest_first
    assert not {post.uri for post in hidden} & set(_object_ids(first) + _object_ids(second))


def test_outbox__holds_boosts_and_loses_deleted_posts(instance):
    alice = instance.create_user("alice").actor
    kept, deleted = _post(instance, alice, "kept"), _post(instance, alice, "deleted")
    boost = instance.run(interactions.boost(instance.ctx, alice, kept))
    instance.run(posts.delete_local_post(instance.ctx, alice, deleted))

    base = instance.url("/users/alice/outbox")
    assert _get(base)["totalItems"] == 2
    announce, create = _get(base + "?page=true")["orderedItems"]
    assert announce["type"] == "Announce" and announce["id"] == boost.uri and announce["object"] == kept.uri
    assert create["type"] == "Create" and create["object"]["id"] == kept.uri


def test_outbox__other_page_values_get_the_collection_and_bad_max_ids_the_first_page(instance):
    alice = instance.create_user("alice").actor
    _post(instance, alice, "hello")
    base = instance.url("/users/alice/outbox")
    assert _get(base + "?page=1")["type"] == "OrderedCollection"
    for max_id in ("abc", "-1", "9" * 40):
        page = _get(f"{base}?page=true&max_id={max_id}")
        assert len(page["orderedItems"]) == 1


def test_follow_collections__count_and_list_a_follow_between_two_instances(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    bob_on_a = a.resolve(bob.uri)
    a.run(follows.follow(a.ctx, alice, bob_on_a))
    a.drain()  # Follow delivered to b
    b.drain()  # b accepts and delivers the Accept
    a.drain()  # a applies it

    followers = _get(b.url("/users/bob/followers"))
    assert followers["type"] == "OrderedCollection"
    assert followers["totalItems"] == 1
    assert followers["first"] == b.url("/users/bob/followers?page=1")
    page = _get(followers["first"])
    assert page["type"] == "OrderedCollectionPage"
    assert page["partOf"] == b.url("/users/bob/followers")
    assert page["totalItems"] == 1
    assert page["orderedItems"] == [alice.uri]
    assert "next" not in page and "prev" not in page

    following = _get(a.url("/users/alice/following"))
    assert following["totalItems"] == 1
    assert _get(following["first"])["orderedItems"] == [bob.uri]

    assert _get(a.url("/users/alice/followers"))["totalItems"] == 0
    assert _get(a.url("/users/alice/followers?page=1"))["orderedItems"] == []


def test_follow_collections__pending_follows_are_not_listed(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    a.run(follows.follow(a.ctx, alice, a.resolve(bob.uri)))  # not delivered yet: pending
    assert _get(a.url("/users/alice/following"))["totalItems"] == 0
    assert _get(a.url("/users/alice/following?page=1"))["orderedItems"] == []


def test_followers__are_paged_forty_at_a_time(instance):
    alice = instance.create_user("alice").actor
    uris = instance.run(_add_remote_followers(instance, alice, 41))
    base = instance.url("/users/alice/followers")

    assert _get(base)["totalItems"] == 41
    first = _get(base + "?page=1")
    assert first["orderedItems"] == list(reversed(uris))[:40]
    assert first["next"] == base + "?page=2"
    second = _get(first["next"])
    assert second["orderedItems"] == [uris[0]]
    assert second["prev"] == base + "?page=1"
    assert "next" not in second
    assert _get(base + "?page=abc")["id"] == base + "?page=1"  # read as the first page, as Mastodon does


async def _add_remote_followers(instance, followee, count):
    """Accepted followers from made-up remote servers; returns their uris, oldest follow first."""
    uris = []
    async with instance.runtime.db.transaction() as conn:
        for n in range(count):
            domain = f"remote{n}.example"
            remote = dataclasses.replace(
                followee, id=0, uri=f"https://{domain}/users/fan", username="fan", domain=domain, is_local=False
            )
            stored = await actor_store.insert_actor(conn, remote)
            await follow_store.insert_follow(conn, f"https://{domain}/follows/1", stored.id, followee.id, "accepted", 0)
            uris.append(stored.uri)
    return uris


def test_featured__lists_pinned_public_posts_as_notes(instance):
    alice = instance.create_user("alice").actor
    pinned, hidden = _post(instance, alice, "pinned #news"), _post(instance, alice, "secret", "private")
    _post(instance, alice, "not pinned")
    instance.run(_pin(instance, alice, pinned, hidden))

    featured = _get(instance.url("/users/alice/collections/featured"))
    assert featured["type"] == "OrderedCollection"
    assert featured["id"] == instance.url("/users/alice/collections/featured")
    assert featured["totalItems"] == 1
    [note] = featured["orderedItems"]
    assert note["id"] == pinned.uri and note["type"] == "Note"
    assert note["attributedTo"] == alice.uri
    assert "pinned" in note["content"]
    assert note["tag"] == [{"type": "Hashtag", "href": instance.url("/tags/news"), "name": "#news"}]


async def _pin(instance, actor, *pinned):
    async with instance.runtime.db.transaction() as conn:
        for post in pinned:
            await interaction_store.set_featured(conn, actor.id, post.id, True, instance.ctx.now_ms())


def test_collections__of_unknown_accounts_are_404(instance):
    for path in ("/outbox?page=true", "/followers?page=1", "/following", "/collections/featured"):
        reply = get(instance.url("/users/nobody" + path), AP)
        assert reply.status == 404
        assert reply.json() == {"error": "no such account"}
        assert "Accept" in reply.headers["Vary"]


def test_outbox__follows_edits_unboosts_and_deletes(start_instance):
    a = start_instance("x")
    alice = a.create_user("alice").actor
    mine = a.run(posts.create_local_post(a.ctx, alice, "first words"))
    other = a.run(posts.create_local_post(a.ctx, alice, "to be deleted"))
    a.run(posts.edit_local_post(a.ctx, alice, mine, "better words"))
    a.run(interactions.boost(a.ctx, alice, other))

    def outbox():
        collection = get(a.url("/users/alice/outbox"), AP).json()
        page = get(collection["first"], AP).json()
        return collection["totalItems"], page["orderedItems"]

    total, items = outbox()
    assert total == 3
    [create_mine] = [i for i in items if i["type"] == "Create" and i["object"]["id"] == mine.uri]
    assert "better words" in create_mine["object"]["content"]

    a.run(interactions.unboost(a.ctx, alice, other))
    assert outbox()[0] == 2
    a.run(interactions.boost(a.ctx, alice, other))
    a.run(posts.delete_local_post(a.ctx, alice, other))  # takes its Create and its boost away
    total, items = outbox()
    assert total == 1 and [i["object"]["id"] for i in items] == [mine.uri]
