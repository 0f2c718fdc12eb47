"""SQL for custom emoji and the emoji of posts (layer 2). No business rules here."""

from dataclasses import dataclass

from ...db.api import Connection

LOCAL = ""  # the domain of the instance's own emoji
_COLUMNS = "id, shortcode, domain, uri, image_url, media_id, category, visible_in_picker, created_at, updated_at"


@dataclass(frozen=True)
class CustomEmoji:
    id: int
    shortcode: str
    domain: str
    uri: str
    image_url: str
    media_id: int | None
    category: str | None
    visible_in_picker: bool
    created_at: int
    updated_at: int


def _row_to_emoji(row) -> CustomEmoji:
    return CustomEmoji(*row[:7], bool(row[7]), *row[8:])


def _marks(values) -> str:
    return ", ".join("?" for _ in values)


async def insert_local(
    conn: Connection, shortcode: str, image_url: str, media_id: int, category: str | None, now: int,
) -> CustomEmoji:
    """A new emoji of the instance; its uri is set by `set_uri` once its id is known."""
    async with conn.execute(
        "INSERT INTO custom_emojis (shortcode, domain, uri, image_url, media_id, category, created_at, updated_at) "
        f"VALUES (?, ?, '', ?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
        (shortcode, LOCAL, image_url, media_id, category, now, now),
    ) as cursor:
        return _row_to_emoji(await cursor.fetchone())


async def set_uri(conn: Connection, emoji_id: int, uri: str) -> None:
    await conn.execute("UPDATE custom_emojis SET uri = ? WHERE id = ?", (uri, emoji_id))


async def save_remote(conn: Connection, domain: str, found: list[tuple[str, str, str]], now: int) -> list[int]:
    """Store (shortcode, uri, image url) of `domain`'s emoji, newest image winning; their ids. A
    new image is shown from its original until the workers have made our copy of it."""
    ids = []
    for shortcode, uri, image_url in found:
        async with conn.execute(
            "INSERT INTO custom_emojis (shortcode, domain, uri, image_url, original_url, visible_in_picker, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (shortcode, domain) DO UPDATE SET "
            "uri = excluded.uri, updated_at = excluded.updated_at, "
            "image_url = CASE WHEN custom_emojis.original_url = excluded.original_url "
            "THEN custom_emojis.image_url ELSE excluded.image_url END, "
            "fetch_tries = CASE WHEN custom_emojis.original_url = excluded.original_url "
            "THEN custom_emojis.fetch_tries ELSE 0 END, "
            "next_fetch_at = CASE WHEN custom_emojis.original_url = excluded.original_url "
            "THEN custom_emojis.next_fetch_at ELSE NULL END, "
            "original_url = excluded.original_url RETURNING id",
            (shortcode, domain, uri, image_url, image_url, now, now),
        ) as cursor:
            ids.append((await cursor.fetchone())[0])
    return ids


async def claim_uncopied(conn: Connection, now: int, lease_until: int, max_tries: int, limit: int) -> list[tuple[int, str, str]]:
    """(id, domain, original url) of remote emoji still shown from their original and due for a
    try, each claimed until `lease_until` so that one worker alone fetches it."""
    async with conn.execute(
        "UPDATE custom_emojis SET next_fetch_at = :lease, fetch_tries = fetch_tries + 1 WHERE id IN ("
        "SELECT id FROM custom_emojis WHERE domain != '' AND image_url = original_url AND fetch_tries < :tries "
        "AND (next_fetch_at IS NULL OR next_fetch_at <= :now) ORDER BY id LIMIT :limit) "
        "AND (next_fetch_at IS NULL OR next_fetch_at <= :now) RETURNING id, domain, original_url",
        {"lease": lease_until, "tries": max_tries, "now": now, "limit": limit},
    ) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def set_copy(conn: Connection, emoji_id: int, original_url: str, image_url: str, media_id: int) -> bool:
    """Show our copy, unless the remote named another image meanwhile."""
    cursor = await conn.execute(
        "UPDATE custom_emojis SET image_url = ?, media_id = ?, next_fetch_at = NULL WHERE id = ? AND original_url = ?",
        (image_url, media_id, emoji_id, original_url),
    )
    return cursor.rowcount > 0


async def find_local(conn: Connection, shortcode: str) -> CustomEmoji | None:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM custom_emojis WHERE shortcode = ? AND domain = ?", (shortcode, LOCAL)
    ) as cursor:
        row = await cursor.fetchone()
    return _row_to_emoji(row) if row else None


async def list_local(conn: Connection, shortcodes: list[str] | None = None) -> list[CustomEmoji]:
    """The instance's emoji (those named in `shortcodes`, when given), by shortcode."""
    where, params = "domain = ?", [LOCAL]
    if shortcodes is not None:
        if not shortcodes:
            return []
        where += f" AND shortcode IN ({_marks(shortcodes)})"
        params += shortcodes
    async with conn.execute(f"SELECT {_COLUMNS} FROM custom_emojis WHERE {where} ORDER BY shortcode", params) as cursor:
        return [_row_to_emoji(row) for row in await cursor.fetchall()]


async def update_local(conn: Connection, shortcode: str, category: str | None, visible_in_picker: bool, now: int) -> bool:
    cursor = await conn.execute(
        "UPDATE custom_emojis SET category = ?, visible_in_picker = ?, updated_at = ? WHERE shortcode = ? AND domain = ?",
        (category, int(visible_in_picker), now, shortcode, LOCAL),
    )
    return cursor.rowcount > 0


async def delete_local(conn: Connection, shortcode: str) -> CustomEmoji | None:
    async with conn.execute(
        f"DELETE FROM custom_emojis WHERE shortcode = ? AND domain = ? RETURNING {_COLUMNS}", (shortcode, LOCAL)
    ) as cursor:
        row = await cursor.fetchone()
    return _row_to_emoji(row) if row else None


async def replace_post_emojis(conn: Connection, post_id: int, emoji_ids: list[int]) -> None:
    await conn.execute("DELETE FROM post_emojis WHERE post_id = ?", (post_id,))
    await conn.executemany(
        "INSERT INTO post_emojis (post_id, emoji_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(post_id, emoji_id) for emoji_id in dict.fromkeys(emoji_ids)],
    )


async def replace_actor_emojis(conn: Connection, actor_id: int, emoji_ids: list[int]) -> None:
    await conn.execute("DELETE FROM actor_emojis WHERE actor_id = ?", (actor_id,))
    await conn.executemany(
        "INSERT INTO actor_emojis (actor_id, emoji_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(actor_id, emoji_id) for emoji_id in dict.fromkeys(emoji_ids)],
    )


async def emojis_of_posts(conn: Connection, post_ids: list[int]) -> dict[int, list[CustomEmoji]]:
    return await _emojis_of(conn, "post_emojis", "post_id", post_ids)


async def emojis_of_actors(conn: Connection, actor_ids: list[int]) -> dict[int, list[CustomEmoji]]:
    return await _emojis_of(conn, "actor_emojis", "actor_id", actor_ids)


async def _emojis_of(conn: Connection, table: str, owner: str, ids: list[int]) -> dict[int, list[CustomEmoji]]:
    if not ids:
        return {}
    found: dict[int, list[CustomEmoji]] = {}
    columns = ", ".join(f"custom_emojis.{c}" for c in _COLUMNS.split(", "))
    async with conn.execute(
        f"SELECT {table}.{owner}, {columns} FROM {table} JOIN custom_emojis ON custom_emojis.id = {table}.emoji_id "
        f"WHERE {table}.{owner} IN ({_marks(ids)}) ORDER BY custom_emojis.shortcode",
        list(ids),
    ) as cursor:
        for row in await cursor.fetchall():
            found.setdefault(row[0], []).append(_row_to_emoji(row[1:]))
    return found
