"""Several processes of one instance, as `redfed serve` run twice on one database would be: a
second LiveInstance with the first one's base URL and database, and a port and folder of its own."""

import concurrent.futures
from collections.abc import Callable, Coroutine

from .instance import LiveInstance


def shared_database(first: LiveInstance) -> dict:
    """The [database] section that opens `first`'s database (its SQLite file, or its PostgreSQL
    database)."""
    if first.config.database.url:
        return {"url": first.config.database.url}
    return {"path": str(first.config.database_path)}


def another_process(start_instance, first: LiveInstance, name: str, **sections: dict) -> LiveInstance:
    return start_instance(
        name, instance={"base_url": first.base_url}, database=shared_database(first), **sections
    )


def at_once(processes: list[LiveInstance], step: Callable[[LiveInstance], Coroutine]) -> list:
    """Run `step(process)` in every process at the same moment; the results, in order."""
    with concurrent.futures.ThreadPoolExecutor(len(processes)) as pool:
        return list(pool.map(lambda process: process.run(step(process)), processes))
