"""SQL for actors and their keys (layer 2). No business rules here."""

import dataclasses
import json
from collections.abc import Iterable

from ..db.api import Connection, Row
from ..errors import Forbidden
from ..models import Actor, ActorKey, ProfileField
from . import dialects

ACTOR_COLUMNS = (
    "id", "uri", "type", "username", "domain", "is_local", "display_name", "summary",
    "summary_source", "url", "inbox_uri", "outbox_uri", "followers_uri", "following_uri",
    "featured_uri", "shared_inbox_uri", "icon_url", "image_url", "fields", "also_known_as",
    "moved_to_uri", "manually_approves_followers", "discoverable", "published_at", "updated_at",
    "fetched_at", "suspended_at", "silenced_at",
)
SELECT_ACTORS = f"SELECT {', '.join(ACTOR_COLUMNS)} FROM actors"
_KEY_COLUMNS = "id, actor_id, key_id, kind, public_pem, private_pem, created_at"


def row_to_actor(row: Row) -> Actor:
    values = dict(zip(ACTOR_COLUMNS, row))
    values["is_local"] = bool(values["is_local"])
    values["manually_approves_followers"] = bool(values["manually_approves_followers"])
    values["discoverable"] = bool(values["discoverable"])
    values["fields"] = tuple(ProfileField(f["name"], f["value"]) for f in json.loads(values["fields"]))
    values["also_known_as"] = tuple(json.loads(values["also_known_as"]))
    return Actor(**values)


def _row_to_key(row: Row) -> ActorKey:
    return ActorKey(*row)


def _actor_values(actor: Actor) -> dict:
    values = {name: getattr(actor, name) for name in ACTOR_COLUMNS if name != "id"}
    values["fields"] = json.dumps([{"name": f.name, "value": f.value} for f in actor.fields])
    values["also_known_as"] = json.dumps(list(actor.also_known_as))
    return values


async def insert_actor(conn: Connection, actor: Actor) -> Actor:
    """Insert `actor` (its id is ignored) and return it with the id the database gave it."""
    values = _actor_values(actor)
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    sql = f"INSERT INTO actors ({names}) VALUES ({marks}) RETURNING {', '.join(ACTOR_COLUMNS)}"
    async with conn.execute(sql, values) as cursor:
        return row_to_actor(await cursor.fetchone())


async def insert_keys(conn: Connection, keys: Iterable[ActorKey]) -> None:
    await conn.executemany(
        "INSERT INTO actor_keys (actor_id, key_id, kind, public_pem, private_pem, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(k.actor_id, k.key_id, k.kind, k.public_pem, k.private_pem, k.created_at) for k in keys],
    )


async def _one(conn: Connection, where: str, params: tuple) -> Actor | None:
    async with conn.execute(f"{SELECT_ACTORS} WHERE {where}", params) as cursor:
        row = await cursor.fetchone()
    return row_to_actor(row) if row else None


async def get_actor(conn: Connection, actor_id: int) -> Actor | None:
    return await _one(conn, "id = ?", (actor_id,))


async def find_actor_by_uri(conn: Connection, uri: str) -> Actor | None:
    return await _one(conn, "uri = ?", (uri,))


async def find_actor_by_handle(conn: Connection, username: str, domain: str) -> Actor | None:
    return await _one(conn, "lower(username) = lower(?) AND domain = ?", (username, domain))


async def list_keys(conn: Connection, actor_id: int) -> list[ActorKey]:
    sql = f"SELECT {_KEY_COLUMNS} FROM actor_keys WHERE actor_id = ? ORDER BY id"
    async with conn.execute(sql, (actor_id,)) as cursor:
        return [_row_to_key(row) for row in await cursor.fetchall()]


async def find_key(conn: Connection, key_id: str) -> ActorKey | None:
    async with conn.execute(f"SELECT {_KEY_COLUMNS} FROM actor_keys WHERE key_id = ?", (key_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_key(row) if row else None


async def find_actors_by_uris(conn: Connection, uris: Iterable[str]) -> list[Actor]:
    """The known actors among `uris`, in one statement however many there are (no variable limit)."""
    sql = f"{SELECT_ACTORS} WHERE uri IN ({dialects.json_array_values(conn)})"
    async with conn.execute(sql, (json.dumps(list(uris)),)) as cursor:
        return [row_to_actor(row) for row in await cursor.fetchall()]


async def upsert_remote_actor(conn: Connection, actor: Actor, keys: list[ActorKey]) -> Actor:
    """Insert or update a remote actor by uri (keeping its row id) and replace its keys.

    The remote document is the source of truth for its keys: whatever it no longer lists is gone
    (key rotation). Call inside a transaction. Refuses to touch a local actor: a remote document
    that names one of our URIs or handles must never overwrite our own account.
    """
    if actor.is_local:
        raise Forbidden("refusing to store a local actor as remote")
    existing = await find_actor_by_uri(conn, actor.uri)
    if existing is not None and existing.is_local:
        raise Forbidden("refusing to overwrite a local actor")
    await _release_handle(conn, actor)
    if existing is None:
        stored = await insert_actor(conn, actor)
    else:
        stored = await _update_remote_actor(conn, existing.id, actor)
    await _replace_keys(conn, stored.id, keys)
    return stored


async def _release_handle(conn: Connection, actor: Actor) -> None:
    """Park the row of another uri that holds this handle (lower(username), domain).

    It happens when an account is deleted and recreated under the same name, or a server is
    reinstalled: the old actor's uri is dead, the new one owns the handle. Mastodon lets the
    newest win the same way (AccountMergingWorker / ResolveAccountService). The old row keeps its
    id, so follows, posts and notifications that point at it stay intact; its username becomes
    `name~<row id>`, which can never collide: ingest refuses '~' in remote usernames, and row ids
    are unique.
    """
    holder = await find_actor_by_handle(conn, actor.username, actor.domain)
    if holder is None or holder.uri == actor.uri:
        return
    if holder.is_local:
        raise Forbidden("refusing to take the handle of a local actor")
    await conn.execute(
        "UPDATE actors SET username = username || '~' || id WHERE id = ?", (holder.id,)
    )


# A refresh rewrites what the document says; id, is_local and our own moderation state
# (suspended_at, silenced_at) are ours and stay as they are.
_REMOTE_UPDATE_COLUMNS = tuple(c for c in ACTOR_COLUMNS if c not in ("id", "is_local", "suspended_at", "silenced_at"))


async def _update_remote_actor(conn: Connection, actor_id: int, actor: Actor) -> Actor:
    values = _actor_values(actor)
    assignments = ", ".join(f"{name} = :{name}" for name in _REMOTE_UPDATE_COLUMNS)
    sql = f"UPDATE actors SET {assignments} WHERE id = :row_id RETURNING {', '.join(ACTOR_COLUMNS)}"
    params = {name: values[name] for name in _REMOTE_UPDATE_COLUMNS} | {"row_id": actor_id}
    async with conn.execute(sql, params) as cursor:
        return row_to_actor(await cursor.fetchone())


async def _replace_keys(conn: Connection, actor_id: int, keys: list[ActorKey]) -> None:
    key_ids = json.dumps([k.key_id for k in keys])
    await conn.execute("DELETE FROM actor_keys WHERE actor_id = ?", (actor_id,))
    # key_id is unique across actors. A key id listed now by this actor and still recorded for
    # another remote actor (on the same origin: ingest takes only same-origin keys) belongs to
    # whichever document is newest; a local actor's key is never touched.
    await conn.execute(
        f"DELETE FROM actor_keys WHERE key_id IN ({dialects.json_array_values(conn)}) "
        "AND actor_id IN (SELECT id FROM actors WHERE is_local = 0)",
        (key_ids,),
    )
    await insert_keys(conn, [dataclasses.replace(k, actor_id=actor_id, private_pem=None) for k in keys])


async def update_local_profile(conn: Connection, actor: Actor) -> None:
    """Write the editable profile of a local actor (name, bio, fields, lock, images)."""
    values = _actor_values(actor)
    editable = (
        "type", "display_name", "summary", "summary_source", "fields", "manually_approves_followers", "discoverable",
        "icon_url", "image_url", "also_known_as", "updated_at",
    )
    params = {name: values[name] for name in editable} | {"id": actor.id}
    assignments = ", ".join(f"{name} = :{name}" for name in editable)
    await conn.execute(f"UPDATE actors SET {assignments} WHERE id = :id AND is_local = 1", params)


async def replace_local_key(conn: Connection, actor_id: int, key: ActorKey) -> None:
    """Swap a local actor's key of `key.kind` for `key` (rotation keeps the key id)."""
    await conn.execute("DELETE FROM actor_keys WHERE actor_id = ? AND kind = ?", (actor_id, key.kind))
    await insert_keys(conn, [key])


async def delete_actor(conn: Connection, actor_id: int) -> None:
    """A remote actor deleted itself; its posts, follows and likes go with it (ON DELETE CASCADE)."""
    await conn.execute("DELETE FROM actors WHERE id = ? AND is_local = 0", (actor_id,))


async def set_moved_to(conn: Connection, actor_id: int, target_uri: str | None, now: int) -> None:
    """Record where an actor moved (its `movedTo`); for a remote one, until its next refresh."""
    await conn.execute(
        "UPDATE actors SET moved_to_uri = ?, updated_at = ? WHERE id = ?", (target_uri, now, actor_id)
    )
