"""SQL for the instance settings an admin edits and the instance's rules (layer 2)."""

from dataclasses import dataclass

from ...db.api import Connection


SETTING_COLUMNS = ("name", "short_description", "about", "registration_mode", "sign_up_message")


@dataclass(frozen=True)
class Rule:
    id: int
    text: str
    hint: str


async def stored_settings(conn: Connection) -> dict[str, str | int | None]:
    """The stored values by column (None where the config's default applies), and when an admin
    last saved them (`updated_at`, ms, None if never)."""
    columns = (*SETTING_COLUMNS, "updated_at")
    async with conn.execute(f"SELECT {', '.join(columns)} FROM instance_settings WHERE id = 1") as cursor:
        row = await cursor.fetchone()
    return dict(zip(columns, row if row else (None,) * len(columns)))


async def save_settings(conn: Connection, values: dict[str, str | None], now: int) -> None:
    columns = [c for c in SETTING_COLUMNS if c in values]
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    await conn.execute(
        f"INSERT INTO instance_settings (id, {', '.join(columns)}, updated_at) VALUES (1, {marks}, ?) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
        (*(values[c] for c in columns), now),
    )


async def list_rules(conn: Connection) -> list[Rule]:
    async with conn.execute("SELECT id, text, hint FROM instance_rules ORDER BY position, id") as cursor:
        return [Rule(*row) for row in await cursor.fetchall()]


async def replace_rules(conn: Connection, rules: list[tuple[int | None, str, str]], now: int) -> None:
    """Make the list exactly `rules` (id or None for a new rule, text, hint), in that order.
    Rules that keep their id keep it, so clients' references to them stay valid."""
    kept = [rule_id for rule_id, _text, _hint in rules if rule_id is not None]
    marks = ", ".join("?" for _ in kept)
    await conn.execute(f"DELETE FROM instance_rules WHERE id NOT IN ({marks})" if kept else "DELETE FROM instance_rules", kept)
    for position, (rule_id, text, hint) in enumerate(rules):
        if rule_id is None:
            await conn.execute(
                "INSERT INTO instance_rules (position, text, hint, created_at) VALUES (?, ?, ?, ?)",
                (position, text, hint, now),
            )
        else:
            await conn.execute(
                "UPDATE instance_rules SET position = ?, text = ?, hint = ? WHERE id = ?", (position, text, hint, rule_id)
            )
