"""SQL for OAuth apps, authorization codes and access tokens (layer 2). Secrets are looked up by
their SHA-256 hash; the plain values are never stored."""

import json
import sqlite3
from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True)
class OAuthApp:
    id: int
    client_id: str
    client_secret: str
    name: str
    website: str | None
    redirect_uris: tuple[str, ...]
    scopes: str
    created_at: int


@dataclass(frozen=True)
class AccessToken:
    id: int
    app_id: int | None
    user_id: int | None
    scopes: str
    created_at: int
    revoked_at: int | None


_APP_COLUMNS = "id, client_id, client_secret, name, website, redirect_uris, scopes, created_at"
_TOKEN_COLUMNS = "id, app_id, user_id, scopes, created_at, revoked_at"


def _row_to_app(row: sqlite3.Row) -> OAuthApp:
    values = list(row)
    values[5] = tuple(json.loads(values[5]))
    return OAuthApp(*values)


async def insert_app(
    conn: aiosqlite.Connection, client_id: str, client_secret: str, name: str, website: str | None,
    redirect_uris: list[str], scopes: str, now: int,
) -> OAuthApp:
    async with conn.execute(
        "INSERT INTO oauth_apps (client_id, client_secret, name, website, redirect_uris, scopes, created_at) "
        f"VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {_APP_COLUMNS}",
        (client_id, client_secret, name, website, json.dumps(redirect_uris), scopes, now),
    ) as cursor:
        return _row_to_app(await cursor.fetchone())


async def find_app_by_client_id(conn: aiosqlite.Connection, client_id: str) -> OAuthApp | None:
    async with conn.execute(f"SELECT {_APP_COLUMNS} FROM oauth_apps WHERE client_id = ?", (client_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_app(row) if row else None


async def get_app(conn: aiosqlite.Connection, app_id: int) -> OAuthApp | None:
    async with conn.execute(f"SELECT {_APP_COLUMNS} FROM oauth_apps WHERE id = ?", (app_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_app(row) if row else None


async def insert_token(
    conn: aiosqlite.Connection, token_hash: str, refresh_hash: str | None, app_id: int | None, user_id: int | None,
    scopes: str, now: int,
) -> int:
    async with conn.execute(
        "INSERT INTO oauth_tokens (token_hash, refresh_hash, app_id, user_id, scopes, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (token_hash, refresh_hash, app_id, user_id, scopes, now),
    ) as cursor:
        return (await cursor.fetchone())[0]


async def find_token(conn: aiosqlite.Connection, token_hash: str) -> AccessToken | None:
    async with conn.execute(
        f"SELECT {_TOKEN_COLUMNS} FROM oauth_tokens WHERE token_hash = ? AND revoked_at IS NULL", (token_hash,)
    ) as cursor:
        row = await cursor.fetchone()
    return AccessToken(*row) if row else None
