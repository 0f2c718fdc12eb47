"""Storage faults that are temporary conditions, not crashes (layer 2).

A busy or locked database, a full disk and a read-only or failing disk all clear without a
restart: clients are told to come back (503 with Retry-After), servers retry their deliveries, and
the operator gets one warning a minute per kind instead of a traceback per request.
"""

import errno
import logging
import sqlite3
import time
from typing import NamedTuple

import asyncpg

from ..errors import ServiceUnavailable

log = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0


class _Kind(NamedTuple):
    sqlite_codes: tuple[str, ...]  # prefixes of sqlite3's `sqlite_errorname`
    sqlstates: tuple[str, ...]  # prefixes of PostgreSQL's SQLSTATE
    errnos: tuple[int, ...]
    message: str  # what the client is told
    retry_after: int  # seconds


_KINDS = {
    "busy": _Kind(
        ("SQLITE_BUSY", "SQLITE_LOCKED"), ("40001", "40P01", "55P03", "53300"), (),
        "the database is busy, try again shortly", 5,
    ),
    "full": _Kind(("SQLITE_FULL",), ("53100",), (errno.ENOSPC, errno.EDQUOT), "the server's disk is full, try again later", 60),
    "readonly": _Kind(
        ("SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN"), ("25006", "58"), (errno.EROFS, errno.EIO),
        "the server cannot write to its storage right now, try again later", 60,
    ),
    # A database server that went away (stopped, restarting, out of reach): the pool reconnects
    # by itself when it is back.
    "gone": _Kind((), ("08", "57P01", "57P02", "57P03"), (), "the database cannot be reached right now, try again shortly", 5),
}

_last_warned: dict[str, float] = {}


class StorageUnavailable(ServiceUnavailable):
    """A temporary storage fault; `kind` is busy, full, readonly or gone."""

    def __init__(self, kind: str, cause: str):
        super().__init__(_KINDS[kind].message)
        self.retry_after = _KINDS[kind].retry_after
        self.kind, self.cause = kind, cause


def as_storage_fault(error: BaseException) -> StorageUnavailable | None:
    """The temporary fault `error` stands for, warned about at most once a minute; None for a bug."""
    kind = _kind_of(error)
    if kind is None:
        return None
    fault = StorageUnavailable(kind, str(error))
    _warn(fault)
    return fault


def unreachable(error: BaseException) -> StorageUnavailable:
    """A database server's connection that failed (refused, reset, closed), warned about as such."""
    fault = StorageUnavailable("gone", str(error) or type(error).__name__)
    _warn(fault)
    return fault


def _kind_of(error: BaseException) -> str | None:
    if isinstance(error, StorageUnavailable):
        return error.kind
    if isinstance(error, asyncpg.PostgresError):
        state = error.sqlstate or ""
        return next((kind for kind, known in _KINDS.items() if state.startswith(known.sqlstates)), None)
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", "") or ""
        return next((kind for kind, known in _KINDS.items() if known.sqlite_codes and name.startswith(known.sqlite_codes)), None)
    if isinstance(error, OSError):
        return next((kind for kind, known in _KINDS.items() if error.errno in known.errnos), None)
    return None


def _warn(fault: StorageUnavailable) -> None:
    now = time.monotonic()
    if now - _last_warned.get(fault.kind, -WARN_EVERY_SECONDS) >= WARN_EVERY_SECONDS:
        _last_warned[fault.kind] = now
        log.warning("storage %s: %s (clients get 503 until it clears; repeats muted for a minute)", fault.kind, fault.cause)
