"""SQL for instance-wide figures (layer 2)."""

from ..db.api import Connection



async def known_domains(conn: Connection) -> list[str]:
    async with conn.execute("SELECT DISTINCT domain FROM actors WHERE is_local = 0 ORDER BY domain") as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def weekly_counts(conn: Connection, since: int, week_ms: int) -> dict[int, dict[str, int]]:
    """Local statuses, active users and registrations per week bucket (bucket start in ms)."""
    sql = """
        SELECT bucket, kind, count(*) FROM (
            SELECT (published_at / :week) * :week AS bucket, 'statuses' AS kind FROM posts
              WHERE is_local = 1 AND published_at >= :since
            UNION ALL SELECT (coalesce(last_active_at, created_at) / :week) * :week, 'logins' FROM users
              WHERE coalesce(last_active_at, created_at) >= :since
            UNION ALL SELECT (created_at / :week) * :week, 'registrations' FROM users WHERE created_at >= :since
        ) AS activity GROUP BY bucket, kind"""
    found: dict[int, dict[str, int]] = {}
    async with conn.execute(sql, {"week": week_ms, "since": since}) as cursor:
        for bucket, kind, count in await cursor.fetchall():
            found.setdefault(bucket, {})[kind] = count
    return found


async def shared_secret(conn: Connection, name: str, proposed: str) -> str:
    """The secret `name` every process uses: the one stored first, `proposed` if none was."""
    await conn.execute(
        "INSERT INTO instance_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", (name, proposed)
    )
    async with conn.execute("SELECT value FROM instance_secrets WHERE name = ?", (name,)) as cursor:
        return (await cursor.fetchone())[0]
