"""Mastodon.py clients for live instances: the real client library, talking real HTTP."""

from mastodon import Mastodon

from redfed.services.accounts import oauth
from redfed.store.accounts import users as user_store

from .instance import LiveInstance

ALL_SCOPES = "read write follow push"


def token_for(instance: LiveInstance, username: str, scopes: str = ALL_SCOPES, app_name: str = "test app") -> str:
    """A bearer token for a local account, issued the way the OAuth flow issues one."""
    user = instance.actor(username)
    found = instance.run(_user_id(instance, user.id))
    now = int(instance.clock() * 1000)
    app = instance.run(oauth.register_app(instance.runtime.db, app_name, ["urn:ietf:wg:oauth:2.0:oob"], scopes, None, now))
    token, _ = instance.run(oauth.issue_token(instance.runtime.db, app.id, found, frozenset(scopes.split()), now))
    return token


def client(instance: LiveInstance, username: str | None = None, scopes: str = ALL_SCOPES, token: str | None = None) -> Mastodon:
    """A Mastodon.py client for `username` on `instance` (anonymous without a user or token)."""
    if token is None and username is not None:
        token = token_for(instance, username, scopes)
    return Mastodon(api_base_url=instance.base_url, access_token=token, version_check_mode="none", request_timeout=30)


async def _user_id(instance: LiveInstance, actor_id: int) -> int:
    user = await user_store.find_user_by_actor(instance.runtime.db.reader, actor_id)
    return user.id
