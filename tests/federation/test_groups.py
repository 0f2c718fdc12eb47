"""Groups (FEP-1b12) across redfed instances and with a Lemmy-shaped community: people on any
server join a group by following it, a member's post addressed to the group is announced by the
group to every member, its author's Delete and a moderator's removal reach every member's server,
and the Fedify peer takes part as a member."""

from urllib.parse import urlsplit

import pytest

from redfed.services.groups import groups, membership, sharing
from redfed.services.social import follows, posts
from redfed.store import posts as post_store
from redfed.store.social import follows as follow_store
from redfed.store.social import timelines

from ..support.hostile import PUBLIC, sign_post
from ..support.http import AP, get
from .test_posts import _settle, _stored


@pytest.fixture
def two(start_instance):
    """alice (the group's founder) and carol on A; bob, dan and eve on B."""
    a, b = start_instance("a"), start_instance("b")
    for name in ("alice", "carol"):
        a.create_user(name)
    for name in ("bob", "dan", "eve"):
        b.create_user(name)
    return a, b


def _join(instance, username, group_uri):
    """`username` follows the group: a member, or asking to be one."""
    joiner, group = instance.actor(username), instance.resolve(group_uri)
    return instance.run(follows.follow(instance.ctx, joiner, group, backfill=False))


def _state(instance, username, group_uri):
    group = instance.resolve(group_uri)
    found = instance.run(follow_store.find_follow(instance.runtime.db.reader, instance.actor(username).id, group.id))
    return found.state if found else None


def _post(instance, username, text, **options):
    return instance.run(posts.create_local_post(instance.ctx, instance.actor(username), text, **options))


def _sees_boosted(instance, username, post_uri):
    """Whether the post is in the member's home timeline, as a boost (the group's)."""
    viewer, post = instance.actor(username), _stored(instance, post_uri)
    home = instance.run(timelines.home(instance.runtime.db.reader, viewer.id, 40))
    return any(p.reblog_of_id == post.id for p in home)


def _group_boosts(instance, group_uri, post_uri):
    """Whether `instance` holds the group's boost of the post."""
    group, post = instance.resolve(group_uri), _stored(instance, post_uri)
    if post is None:
        return False
    return instance.run(post_store.find_reblog(instance.runtime.db.reader, group.id, post.id)) is not None


def test_open_group__members_everywhere_receive_what_members_post_and_removals(two):
    a, b = two
    group = a.run(groups.create(a.ctx, a.actor("alice"), "cooking", display_name="Cooking", rules="Be kind"))
    uri = group.actor.uri
    # Served as a Group actor with its moderators, found by WebFinger from another server.
    document = get(uri, AP).json()
    shape = (document["type"], document["postingRestrictedToMods"], document["manuallyApprovesFollowers"])
    assert shape == ("Group", False, False)
    assert get(document["attributedTo"], AP).json()["orderedItems"] == [a.actor("alice").uri]
    _join(a, "carol", uri)
    for name in ("bob", "dan"):
        _join(b, name, uri)
    _settle(a, b)
    assert [_state(b, name, uri) for name in ("bob", "dan", "eve")] == ["accepted", "accepted", None]
    assert get(uri + "/followers", AP).json()["totalItems"] == 4

    # bob (a remote member) mentions the group: the group announces it to members on both servers.
    said = _post(b, "bob", f"@cooking@{a.domain} my bread recipe")
    # eve is no member: her post to the group is not announced; nor is bob's followers-only one.
    stranger = _post(b, "eve", f"@cooking@{a.domain} buy my pills")
    hidden = _post(b, "bob", f"@cooking@{a.domain} only for my followers", visibility="private")
    _settle(a, b)
    assert _group_boosts(a, uri, said.uri) and _group_boosts(b, uri, said.uri)
    assert not _group_boosts(a, uri, stranger.uri) and not _group_boosts(a, uri, hidden.uri)
    assert _sees_boosted(a, "carol", said.uri) and _sees_boosted(b, "dan", said.uri)
    # A local member's reply in the group's thread is announced too, and reaches B.
    reply = _post(a, "carol", "rye or wheat?", in_reply_to=_stored(a, said.uri))
    _settle(a, b)
    assert _group_boosts(b, uri, reply.uri)
    shared = a.run(sharing.shared_posts(a.ctx, a.run(groups.get(a.ctx, group.actor.id)), 10))
    assert [p.uri for p in shared] == [reply.uri, said.uri]
    # Its page shows its rules, its people and what it shared; in Chinese for a Chinese reader.
    page = get(a.url("/@cooking"), {"Accept": "text/html", "Accept-Language": "zh-CN"})
    assert page.status == 200 and "Be kind" in page.text and "4 位成员" in page.text and "加入小组" not in page.text
    assert "my bread recipe" in page.text and "rye or wheat?" in page.text and "buy my pills" not in page.text

    # carol deletes a post of hers the group shared: nobody on B follows her, but the group passes
    # her Delete on to its members there.
    tip = _post(a, "carol", "@cooking salt the water")
    _settle(a, b)
    assert _group_boosts(b, uri, tip.uri)
    a.run(posts.delete_local_post(a.ctx, a.actor("carol"), tip))
    _settle(a, b)
    assert _stored(b, tip.uri) is None

    # A moderator removes bob's post: the group's boost goes on both servers, the post stays bob's.
    a.run(sharing.remove_post(a.ctx, a.actor("alice"), group, _stored(a, said.uri)))
    _settle(a, b)
    assert not _group_boosts(a, uri, said.uri) and not _group_boosts(b, uri, said.uri)
    assert _stored(b, said.uri) is not None
    # Banned, bob is out, and his next post to the group is not announced.
    a.run(membership.ban(a.ctx, a.actor("alice"), group, a.resolve(b.actor("bob").uri)))
    _settle(a, b)
    assert _state(b, "bob", uri) is None
    again = _post(b, "bob", f"@cooking@{a.domain} let me back in")
    _settle(a, b)
    assert not _group_boosts(a, uri, again.uri)


def _send(instance, actor, activity):
    reply = sign_post(instance.url("/inbox"), activity, actor.signing_key, instance.clock()).send()
    assert reply.status == 202, reply.body
    instance.drain()


def test_lemmy_community__its_announced_posts_reach_members_as_its_boosts_by_their_authors(instance, hostile):
    alice = instance.create_user("alice").actor
    community = hostile.add_actor("c_sourdough", publish=False)
    author, mallory = hostile.add_actor("baker"), hostile.add_actor("mallory")
    hostile.serve(community.path, {**community.document(), "type": "Group", "name": "Sourdough"})
    page = {
        "id": hostile.url("/post/1"), "type": "Page", "attributedTo": author.uri, "name": "My starter",
        "content": "<p>fed twice a day</p>", "to": [community.uri, PUBLIC], "audience": community.uri,
        "published": "2024-01-01T00:00:00Z",
    }
    hostile.serve("/post/1", page)
    # alice joins from redfed by following; the community accepts.
    follow = _join(instance, "alice", community.uri)
    instance.drain()
    followed = {"id": follow.uri, "type": "Follow", "actor": alice.uri, "object": community.uri}
    _send(instance, community, community.activity("Accept", followed))
    assert _state(instance, "alice", community.uri) == "accepted"

    # Lemmy wraps the author's Create in the community's Announce. The copy inside is the
    # community's word only: the post is read from its author's server.
    forged = {**page, "content": "<p>send me your bank details</p>"}
    create = author.activity("Create", forged, to=[community.uri, PUBLIC], audience=community.uri)
    _send(instance, community, community.activity("Announce", create, to=[PUBLIC], cc=[community.uri + "/followers"]))
    stored = _stored(instance, page["id"])
    assert stored.actor_id == instance.resolve(author.uri).id and "fed twice a day" in stored.content
    assert _sees_boosted(instance, "alice", page["id"])

    # Someone else announcing a removal changes nothing; the community's own removal (Lemmy's
    # moderator Delete, announced) takes its boost away.
    removal = author.activity("Delete", page["id"], to=[PUBLIC])
    _send(instance, mallory, mallory.activity("Announce", removal, to=[PUBLIC]))
    assert _group_boosts(instance, community.uri, page["id"])
    _send(instance, community, community.activity("Announce", removal, to=[PUBLIC]))
    assert not _group_boosts(instance, community.uri, page["id"])
    assert not _sees_boosted(instance, "alice", page["id"])
    # The post itself stays while its server still serves it; once gone there, an announced
    # Delete takes it away here too.
    assert _stored(instance, page["id"]) is not None
    _send(instance, community, community.activity("Announce", create, to=[PUBLIC]))
    hostile.gone("/post/1")
    _send(instance, community, community.activity("Announce", removal, to=[PUBLIC]))
    assert _stored(instance, page["id"]) is None


def test_fedify_member__joins_posts_to_the_group_and_receives_its_announce(instance, fedify_peer):
    instance.create_user("alice")
    group = instance.run(groups.create(instance.ctx, instance.actor("alice"), "bakers"))
    fedify_peer.create_actor("fern")
    fedify_peer.follow("fern", group.actor.uri)
    instance.drain()
    assert [r["type"] for r in fedify_peer.received() if r["actor"] == group.actor.uri] == ["Accept"]
    sent = fedify_peer.post("fern", "<p>rye starter, day three</p>", to=[PUBLIC], cc=[group.actor.uri])
    instance.drain()
    [announce] = [r for r in fedify_peer.received() if r["type"] == "Announce"]
    # Fedify trusts the group's own FEP-8b32 proof on the Announce first.
    assert announce["actor"] == group.actor.uri and announce["verifiedBy"] == "object-integrity-proof"
    # The member's Create goes in whole, its integrity proof with it.
    shared = announce["json"]["object"]
    assert (shared["type"], shared["object"]["id"], "proof" in shared) == ("Create", sent["note"], True)


def test_groups_in_a_ring__a_group_member_is_never_announced_so_nothing_loops(instance, hostile):
    instance.create_user("alice")
    group = instance.run(groups.create(instance.ctx, instance.actor("alice"), "bread"))
    other = hostile.add_actor("c_loaves", publish=False)
    hostile.serve(other.path, {**other.document(), "type": "Group"})
    _send(instance, other, other.activity("Follow", group.actor.uri))
    members = instance.run(follow_store.count_follows(instance.runtime.db.reader, group.actor.id, "followers"))
    assert members == 2  # alice, who founded it, and the other group
    # The other group, a member, addresses ours with a post of its own and announces our boosts
    # back: neither is announced again.
    note = other.note("from the other group", cc=[group.actor.uri], audience=group.actor.uri)
    hostile.serve(urlsplit(note["id"]).path, note)
    _send(instance, other, other.create(note, cc=[group.actor.uri]))
    assert _stored(instance, note["id"]) is not None
    alice_post = _post(instance, "alice", "@bread crust tips")
    instance.drain()
    [boost] = instance.run(sharing.shared_posts(instance.ctx, group, 10))
    assert boost.uri == alice_post.uri
    reblog = instance.run(post_store.find_reblog(instance.runtime.db.reader, group.actor.id, alice_post.id))
    _send(instance, other, other.activity("Announce", reblog.uri, to=[PUBLIC], cc=[group.actor.uri]))
    assert [p.uri for p in instance.run(sharing.shared_posts(instance.ctx, group, 10))] == [alice_post.uri]
