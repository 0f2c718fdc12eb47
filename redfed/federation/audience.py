"""Who an activity goes to (layer 3): target inboxes, computed once per activity.

Followers are reached through their shared inboxes (one delivery per remote server, not per
follower), mentioned actors through theirs; local recipients need no HTTP and are left out, and so
are blocked actors and blocked domains (Takahē's Post.get_targets, as a module of its own).
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from ..config import Config
from ..db.api import Connection
from ..models import Actor
from ..store.social import follows as follow_store
from ..store.social import interactions as interaction_store


def host_of(uri: str) -> str:
    return (urlsplit(uri).netloc or "").lower()


def is_blocked_domain(config: Config, uri: str) -> bool:
    host = (urlsplit(uri).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in config.federation.blocked_domains)


def delivery_inbox(actor: Actor) -> str | None:
    """Where fan-out to this actor goes: its server's shared inbox when it has one."""
    return actor.shared_inbox_uri or actor.inbox_uri


async def for_followers(conn: Connection, config: Config, author: Actor, also: Iterable[Actor] = ()) -> list[str]:
    """The author's remote followers' inboxes plus those of `also` (mentioned, replied-to actors)."""
    blocked = await interaction_store.list_blocked_ids(conn, author.id)
    inboxes = await follow_store.list_follower_inboxes(conn, author.id)
    inboxes += [delivery_inbox(a) for a in also if not a.is_local and a.id not in blocked]
    return _clean(config, inboxes)


async def for_mentions(conn: Connection, config: Config, author: Actor, mentioned: Iterable[Actor]) -> list[str]:
    """Direct messages go only to the people addressed."""
    blocked = await interaction_store.list_blocked_ids(conn, author.id)
    return _clean(config, [delivery_inbox(a) for a in mentioned if not a.is_local and a.id not in blocked])


def for_actor(config: Config, target: Actor) -> list[str]:
    """An activity meant for one actor (Follow, Accept, Like, Block …) goes to its own inbox."""
    if target.is_local or not target.inbox_uri:
        return []
    return _clean(config, [target.inbox_uri])


def _clean(config: Config, inboxes: Iterable[str | None]) -> list[str]:
    own = config.base_url.rstrip("/") + "/"
    unique = dict.fromkeys(i for i in inboxes if i and not i.startswith(own) and not is_blocked_domain(config, i))
    return list(unique)
