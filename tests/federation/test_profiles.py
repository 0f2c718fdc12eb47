"""Profile edits and key rotation reach the servers of followers."""

import pytest

from redfed.errors import Unprocessable
from redfed.services.accounts import profiles
from redfed.services.social import posts

from .test_posts import _connect, _settle, _stored


def test_profile_update__reaches_followers_servers(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    _connect(a, b)  # alice@a follows bob@b
    bob = b.actor("bob")
    b.run(profiles.update_profile(
        b.ctx, bob, display_name="Bob Baker", bio="Bread and https://bob.com", fields=[("Shop", "https://shop.example")],
    ))
    _settle(a, b)
    seen = a.resolve(bob.uri)
    assert seen.display_name == "Bob Baker"
    assert '<a href="https://bob.com"' in seen.summary
    assert [f.name for f in seen.fields] == ["Shop"]


def test_key_rotation__deliveries_signed_with_the_new_key_are_accepted(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    _connect(a, b)
    bob = b.actor("bob")
    b.run(profiles.rotate_key(b.ctx, bob))
    _settle(a, b)
    # The new key signs this delivery; a holds the old key until it refetches.
    post = b.run(posts.create_local_post(b.ctx, bob, "signed with my new key"))
    _settle(a, b)
    assert _stored(a, post.uri) is not None


def test_key_rotation__a_missed_update_is_recovered_by_refetching_the_key(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    _connect(a, b)
    bob = b.actor("bob")
    b.run(profiles.rotate_key(b.ctx, bob))
    b.run(_drop_pending_deliveries(b))  # the Update never arrives
    post = b.run(posts.create_local_post(b.ctx, bob, "new key, no warning"))
    _settle(a, b)
    assert _stored(a, post.uri) is not None


async def _drop_pending_deliveries(instance):
    async with instance.runtime.db.transaction() as conn:
        await conn.execute("UPDATE deliveries SET state = 'failed' WHERE state = 'pending'")


def test_profile_update__refuses_oversized_input_before_rendering_it(instance):
    alice = instance.create_user("alice").actor
    for too_much in ({"display_name": "x" * 31}, {"bio": "a." * 300}, {"fields": [("k", "a." * 200)]},
                     {"fields": [("k", "v")] * 5}):
        with pytest.raises(Unprocessable):
            instance.run(profiles.update_profile(instance.ctx, alice, **too_much))
    assert instance.actor("alice") == alice
