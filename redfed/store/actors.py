"""SQL for actors and their keys (layer 2). No business rules here."""

import json
import sqlite3
from collections.abc import Iterable

import aiosqlite

from ..models import Actor, ActorKey, ProfileField

_COLUMNS = (
    "id", "uri", "type", "username", "domain", "is_local", "display_name", "summary",
    "summary_source", "url", "inbox_uri", "outbox_uri", "followers_uri", "following_uri",
    "featured_uri", "shared_inbox_uri", "icon_url", "image_url", "fields", "also_known_as",
    "moved_to_uri", "manually_approves_followers", "discoverable", "published_at", "updated_at",
    "fetched_at", "suspended_at",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM actors"
_KEY_COLUMNS = "id, actor_id, key_id, kind, public_pem, private_pem, created_at"


def _row_to_actor(row: sqlite3.Row) -> Actor:
    values = dict(zip(_COLUMNS, row))
    values["is_local"] = bool(values["is_local"])
    values["manually_approves_followers"] = bool(values["manually_approves_followers"])
    values["discoverable"] = bool(values["discoverable"])
    values["fields"] = tuple(ProfileField(f["name"], f["value"]) for f in json.loads(values["fields"]))
    values["also_known_as"] = tuple(json.loads(values["also_known_as"]))
    return Actor(**values)


def _row_to_key(row: sqlite3.Row) -> ActorKey:
    return ActorKey(*row)


def _actor_values(actor: Actor) -> dict:
    values = {name: getattr(actor, name) for name in _COLUMNS if name != "id"}
    values["fields"] = json.dumps([{"name": f.name, "value": f.value} for f in actor.fields])
    values["also_known_as"] = json.dumps(list(actor.also_known_as))
    return values


async def insert_actor(conn: aiosqlite.Connection, actor: Actor) -> Actor:
    """Insert `actor` (its id is ignored) and return it with the id the database gave it."""
    values = _actor_values(actor)
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    sql = f"INSERT INTO actors ({names}) VALUES ({marks}) RETURNING {', '.join(_COLUMNS)}"
    async with conn.execute(sql, values) as cursor:
        return _row_to_actor(await cursor.fetchone())


async def insert_keys(conn: aiosqlite.Connection, keys: Iterable[ActorKey]) -> None:
    await conn.executemany(
        "INSERT INTO actor_keys (actor_id, key_id, kind, public_pem, private_pem, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(k.actor_id, k.key_id, k.kind, k.public_pem, k.private_pem, k.created_at) for k in keys],
    )


async def _one(conn: aiosqlite.Connection, where: str, params: tuple) -> Actor | None:
    async with conn.execute(f"{_SELECT} WHERE {where}", params) as cursor:
        row = await cursor.fetchone()
    return _row_to_actor(row) if row else None


async def get_actor(conn: aiosqlite.Connection, actor_id: int) -> Actor | None:
    return await _one(conn, "id = ?", (actor_id,))


async def find_actor_by_uri(conn: aiosqlite.Connection, uri: str) -> Actor | None:
    return await _one(conn, "uri = ?", (uri,))


async def find_actor_by_handle(conn: aiosqlite.Connection, username: str, domain: str) -> Actor | None:
    return await _one(conn, "lower(username) = lower(?) AND domain = ?", (username, domain))


async def list_keys(conn: aiosqlite.Connection, actor_id: int) -> list[ActorKey]:
    sql = f"SELECT {_KEY_COLUMNS} FROM actor_keys WHERE actor_id = ? ORDER BY id"
    async with conn.execute(sql, (actor_id,)) as cursor:
        return [_row_to_key(row) for row in await cursor.fetchall()]


async def find_key(conn: aiosqlite.Connection, key_id: str) -> ActorKey | None:
    async with conn.execute(f"SELECT {_KEY_COLUMNS} FROM actor_keys WHERE key_id = ?", (key_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_key(row) if row else None
