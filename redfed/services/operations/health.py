"""Liveness and readiness (layer 4), as orchestrators probe them.

Liveness needs nothing but the event loop answering. Readiness is each thing a request or a
queue depends on: the database answers, its migrations are all applied, the media store can be
used, and some process runs the queue workers.
"""

import asyncio
from dataclasses import dataclass

from ...db.api import Database
from ...db.errors import DATABASE_ERRORS
from ...db.migration_files import available_migrations
from ...errors import RedfedError
from ...objectstore.base import ObjectStore
from ...store.operations import heartbeats
from .figures import WORKER_SILENT_MS

PROBE_SECONDS = 3.0
_FAULTS = (RedfedError, OSError, TimeoutError, *DATABASE_ERRORS)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


async def readiness(db: Database, media: ObjectStore, now: int) -> list[Check]:
    try:
        applied = await asyncio.wait_for(_schema_version(db), PROBE_SECONDS)
    except _FAULTS as error:
        return [Check("database", False, _describe(error)), await _media(media)]
    return [Check("database", True, "answers"), _migrations(applied), await _workers(db, now), await _media(media)]


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {PROBE_SECONDS:g} s"
    if isinstance(error, RedfedError):
        return error.message
    return f"{type(error).__name__}: {error}"[:300]


async def _schema_version(db: Database) -> int:
    async with db.reader.execute("SELECT coalesce(max(version), 0) FROM schema_migrations") as cursor:
        return int((await cursor.fetchone())[0])


def _migrations(applied: int) -> Check:
    expected = max(m.version for m in available_migrations())
    if applied < expected:
        return Check("migrations", False, f"database at {applied:04d}, this version needs {expected:04d}: run redfed migrate")
    return Check("migrations", True, f"{applied:04d}")


async def _workers(db: Database, now: int) -> Check:
    try:
        seen = await asyncio.wait_for(heartbeats.list_since(db.reader, now - WORKER_SILENT_MS), PROBE_SECONDS)
    except _FAULTS as error:
        return Check("workers", False, _describe(error))
    if not seen:
        return Check(
            "workers", False, "no process ran the queue workers in the last minute: start redfed worker, or set workers.in_process",
        )
    return Check("workers", True, f"{len(seen)} running")


async def _media(media: ObjectStore) -> Check:
    try:
        await asyncio.wait_for(media.check(), PROBE_SECONDS)
    except _FAULTS as error:
        return Check("media", False, _describe(error))
    return Check("media", True, "usable")
