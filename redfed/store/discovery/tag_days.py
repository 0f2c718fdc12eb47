"""SQL for how much each hashtag is used per day (layer 2): the `tag_days` counters and the
`tag_day_accounts` that make an account count once per tag per day. No rules here."""

from ...db.api import Connection

DAY_MS = 86_400_000


def day_of(ms: int) -> int:
    return ms // DAY_MS


async def count_post(conn: Connection, names: list[str], actor_id: int, day: int, *, trending: bool) -> None:
    """One more post with each of `names` on `day`; the account is counted once per tag and day,
    and among the trend's accounts too when `trending`. Two statements whatever the tag count."""
    if not names:
        return
    kinds = ("use", "trend") if trending else ("use",)
    values = ", ".join("(?, ?, ?, ?)" for _ in names for _ in kinds)
    params = [p for name in names for kind in kinds for p in (day, name, actor_id, kind)]
    async with conn.execute(
        f"INSERT INTO tag_day_accounts (day, name, actor_id, kind) VALUES {values} "
        "ON CONFLICT DO NOTHING RETURNING name, kind", params,
    ) as cursor:
        new = {(row[0], row[1]) for row in await cursor.fetchall()}
    await conn.executemany(
        "INSERT INTO tag_days (name, day, uses, accounts, trend_accounts) VALUES (?, ?, 1, ?, ?) "
        "ON CONFLICT (name, day) DO UPDATE SET uses = tag_days.uses + 1, "
        "accounts = tag_days.accounts + excluded.accounts, "
        "trend_accounts = tag_days.trend_accounts + excluded.trend_accounts",
        [(name, day, int((name, "use") in new), int((name, "trend") in new)) for name in names],
    )


async def history(conn: Connection, names: list[str], first_day: int) -> dict[str, dict[int, tuple[int, int]]]:
    """{name: {day: (uses, accounts)}} for the days from `first_day` on that have any use."""
    if not names:
        return {}
    marks = ", ".join("?" for _ in names)
    async with conn.execute(
        f"SELECT name, day, uses, accounts FROM tag_days WHERE name IN ({marks}) AND day >= ?", [*names, first_day]
    ) as cursor:
        found: dict[str, dict[int, tuple[int, int]]] = {}
        for name, day, uses, accounts in await cursor.fetchall():
            found.setdefault(name, {})[day] = (uses, accounts)
        return found


async def trending_counts(conn: Connection, first_day: int) -> list[tuple[str, int, int]]:
    """(name, day, distinct trending accounts) for every tag used in a trend-counted post since
    `first_day`: a range of the day index, as long as the few days' distinct tags."""
    async with conn.execute(
        "SELECT name, day, trend_accounts FROM tag_days WHERE day >= ? AND trend_accounts > 0", (first_day,)
    ) as cursor:
        return [(row[0], row[1], row[2]) for row in await cursor.fetchall()]

