"""SQL for OAuth apps, authorization codes and access tokens (layer 2). Secrets are looked up by
their SHA-256 hash; the plain values are never stored."""

import json
from dataclasses import dataclass

from ...db.api import Connection, Row
from .. import dialects


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


def _row_to_app(row: Row) -> OAuthApp:
    values = list(row)
    values[5] = tuple(json.loads(values[5]))
    return OAuthApp(*values)


async def insert_app(
    conn: Connection, client_id: str, client_secret: str, name: str, website: str | None,
    redirect_uris: list[str], scopes: str, now: int,
) -> OAuthApp:
    async with conn.execute(
        "INSERT INTO oauth_apps (client_id, client_secret, name, website, redirect_uris, scopes, created_at) "
        f"VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {_APP_COLUMNS}",
        (client_id, client_secret, name, website, json.dumps(redirect_uris), scopes, now),
    ) as cursor:
        return _row_to_app(await cursor.fetchone())


async def find_app_by_client_id(conn: Connection, client_id: str) -> OAuthApp | None:
    async with conn.execute(f"SELECT {_APP_COLUMNS} FROM oauth_apps WHERE client_id = ?", (client_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_app(row) if row else None


async def get_app(conn: Connection, app_id: int) -> OAuthApp | None:
    async with conn.execute(f"SELECT {_APP_COLUMNS} FROM oauth_apps WHERE id = ?", (app_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_app(row) if row else None


async def insert_token(
    conn: Connection, token_hash: str, refresh_hash: str | None, app_id: int | None, user_id: int | None,
    scopes: str, now: int,
) -> int:
    async with conn.execute(
        "INSERT INTO oauth_tokens (token_hash, refresh_hash, app_id, user_id, scopes, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (token_hash, refresh_hash, app_id, user_id, scopes, now),
    ) as cursor:
        return (await cursor.fetchone())[0]


async def find_token(conn: Connection, token_hash: str) -> AccessToken | None:
    async with conn.execute(
        f"SELECT {_TOKEN_COLUMNS} FROM oauth_tokens WHERE token_hash = ? AND revoked_at IS NULL", (token_hash,)
    ) as cursor:
        row = await cursor.fetchone()
    return AccessToken(*row) if row else None


@dataclass(frozen=True)
class AuthCode:
    app_id: int
    user_id: int
    redirect_uri: str
    scopes: str
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: int
    used_at: int | None


_CODE_COLUMNS = "app_id, user_id, redirect_uri, scopes, code_challenge, code_challenge_method, expires_at, used_at"


async def find_app_by_name(conn: Connection, name: str) -> OAuthApp | None:
    """The oldest app registered under `name`."""
    async with conn.execute(f"SELECT {_APP_COLUMNS} FROM oauth_apps WHERE name = ? ORDER BY id LIMIT 1", (name,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_app(row) if row else None


async def insert_code(
    conn: Connection, code_hash: str, app_id: int, user_id: int, redirect_uri: str, scopes: str,
    code_challenge: str | None, code_challenge_method: str | None, expires_at: int,
) -> None:
    await conn.execute(
        "INSERT INTO oauth_codes (code_hash, app_id, user_id, redirect_uri, scopes, code_challenge, "
        "code_challenge_method, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (code_hash, app_id, user_id, redirect_uri, scopes, code_challenge, code_challenge_method, expires_at),
    )


async def consume_code(conn: Connection, code_hash: str, now: int) -> AuthCode | None:
    """Mark an unused, unexpired code used and return it; None when there is no such code."""
    async with conn.execute(
        f"UPDATE oauth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? "
        f"RETURNING {_CODE_COLUMNS}",
        (now, code_hash, now),
    ) as cursor:
        row = await cursor.fetchone()
    return AuthCode(*row) if row else None


async def find_code(conn: Connection, code_hash: str) -> AuthCode | None:
    async with conn.execute(f"SELECT {_CODE_COLUMNS} FROM oauth_codes WHERE code_hash = ?", (code_hash,)) as cursor:
        row = await cursor.fetchone()
    return AuthCode(*row) if row else None


async def delete_code(conn: Connection, code_hash: str) -> None:
    await conn.execute("DELETE FROM oauth_codes WHERE code_hash = ?", (code_hash,))


async def delete_expired_codes(conn: Connection, now: int) -> None:
    """Codes past their expiry that were never used; used ones stay to recognise a replay."""
    await conn.execute("DELETE FROM oauth_codes WHERE expires_at <= ? AND used_at IS NULL", (now,))


async def revoke_refresh(conn: Connection, refresh_hash: str, app_id: int, now: int) -> AccessToken | None:
    """Revoke the live token holding this refresh token for this app, returning it (rotation)."""
    async with conn.execute(
        f"UPDATE oauth_tokens SET revoked_at = ? WHERE refresh_hash = ? AND app_id = ? AND revoked_at IS NULL "
        f"RETURNING {_TOKEN_COLUMNS}",
        (now, refresh_hash, app_id),
    ) as cursor:
        row = await cursor.fetchone()
    return AccessToken(*row) if row else None


async def find_token_by_secret(conn: Connection, secret_hash: str) -> AccessToken | None:
    """A live token whose access or refresh token hashes to `secret_hash`."""
    async with conn.execute(
        f"SELECT {_TOKEN_COLUMNS} FROM oauth_tokens WHERE (token_hash = ? OR refresh_hash = ?) AND revoked_at IS NULL",
        (secret_hash, secret_hash),
    ) as cursor:
        row = await cursor.fetchone()
    return AccessToken(*row) if row else None


async def live_among(conn: Connection, token_ids: list[int]) -> set[int]:
    """Those of `token_ids` that still exist and are not revoked."""
    marks = ", ".join("?" for _ in token_ids)
    async with conn.execute(
        f"SELECT id FROM oauth_tokens WHERE id IN ({marks}) AND revoked_at IS NULL", token_ids
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def revoke_token(conn: Connection, token_id: int, now: int) -> None:
    await conn.execute("UPDATE oauth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now, token_id))


async def revoke_tokens_since(conn: Connection, app_id: int, user_id: int, since: int, now: int) -> int:
    """Revoke the tokens an app holds for a user that were issued at or after `since`."""
    cursor = await conn.execute(
        "UPDATE oauth_tokens SET revoked_at = ? WHERE app_id = ? AND user_id = ? AND created_at >= ? AND revoked_at IS NULL",
        (now, app_id, user_id, since),
    )
    return cursor.rowcount


@dataclass(frozen=True)
class AuthorizedApp:
    """An app holding live tokens of one user: what the settings page lists."""
    app_id: int
    name: str
    website: str | None
    scopes: tuple[str, ...]  # every scope any of its live tokens holds
    authorized_at: int  # its oldest live token


_SPACE = "' '"


async def authorized_apps(conn: Connection, user_id: int) -> list[AuthorizedApp]:
    async with conn.execute(
        "SELECT oauth_apps.id, oauth_apps.name, oauth_apps.website, "
        f"{dialects.joined_text(conn, 'oauth_tokens.scopes', _SPACE)}, "
        "min(oauth_tokens.created_at) FROM oauth_tokens "
        "JOIN oauth_apps ON oauth_apps.id = oauth_tokens.app_id "
        "WHERE oauth_tokens.user_id = ? AND oauth_tokens.revoked_at IS NULL "
        "GROUP BY oauth_apps.id, oauth_apps.name, oauth_apps.website ORDER BY min(oauth_tokens.created_at) DESC, oauth_apps.id DESC",
        (user_id,),
    ) as cursor:
        rows = await cursor.fetchall()
    return [
        AuthorizedApp(app_id, name, website, tuple(sorted(set(scopes.split()))), created)
        for app_id, name, website, scopes, created in rows
    ]


async def revoke_app_for_user(conn: Connection, user_id: int, app_id: int, now: int) -> int:
    """Revoke every live token of one app for one user, and drop its unused codes; how many tokens."""
    cursor = await conn.execute(
        "UPDATE oauth_tokens SET revoked_at = ? WHERE user_id = ? AND app_id = ? AND revoked_at IS NULL",
        (now, user_id, app_id),
    )
    await conn.execute("DELETE FROM oauth_codes WHERE user_id = ? AND app_id = ?", (user_id, app_id))
    return cursor.rowcount


async def revoke_user_tokens(conn: Connection, user_id: int, now: int) -> int:
    """Revoke every live token of a user, of every app, and drop their unused codes."""
    cursor = await conn.execute(
        "UPDATE oauth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", (now, user_id)
    )
    await conn.execute("DELETE FROM oauth_codes WHERE user_id = ?", (user_id,))
    return cursor.rowcount
