"""Check-then-write steps that must not interleave (layer 2).

SQLite has one writer at a time, so a transaction that checks and then writes is never
interleaved with another. PostgreSQL runs writers side by side: two transactions may both find
"not there yet" and both write. `serialise_on` makes those that name the same thing take turns,
with a lock that lasts until their transaction ends.
"""


async def serialise_on(conn, *what) -> None:
    """Wait for every other open transaction that serialised on `what`, then go on."""
    if conn.dialect == "postgresql":
        key = "\x1f".join(str(part) for part in what)
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (key,))
