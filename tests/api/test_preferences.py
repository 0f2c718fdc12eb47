"""Preferences through Mastodon.py: posting defaults from the user's settings."""

import pytest
from mastodon import MastodonAPIError

from ..support import api


def test_preferences__show_the_posting_defaults(instance):
    instance.create_user("alice")
    prefs = api.client(instance, "alice").preferences()
    assert prefs["posting:default:visibility"] == "public"
    assert prefs["posting:default:sensitive"] is False
    assert prefs["posting:default:language"] is None
    assert prefs["reading:expand:media"] == "default" and prefs["reading:expand:spoilers"] is False


def test_preferences__follow_the_users_settings(instance):
    alice = instance.create_user("alice").actor

    async def set_defaults():
        async with instance.runtime.db.transaction() as conn:
            await conn.execute(
                "UPDATE users SET default_visibility = 'unlisted', default_sensitive = 1, default_language = 'de' "
                "WHERE actor_id = ?", (alice.id,),
            )

    instance.run(set_defaults())
    prefs = api.client(instance, "alice").preferences()
    assert prefs["posting:default:visibility"] == "unlisted"
    assert prefs["posting:default:sensitive"] is True and prefs["posting:default:language"] == "de"


def test_preferences__need_read_accounts(instance):
    instance.create_user("alice")
    with pytest.raises(MastodonAPIError) as refused:
        api.client(instance, "alice", scopes="read:statuses").preferences()
    assert refused.value.args[1] == 403
    assert api.client(instance, "alice", scopes="read:accounts").preferences()["posting:default:visibility"] == "public"
