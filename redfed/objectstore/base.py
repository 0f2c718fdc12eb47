"""The interface every file store offers (layer 2).

Writing is two steps, so that files can follow a database commit: `stage` writes a file whole
where it is not yet published, `publish` makes it visible once the row that names it is
committed, and `delete` takes back a staged or published file. `put` does both at once, for files
no row has to agree with first.
"""

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 256 * 1024


@dataclass(frozen=True)
class Listed:
    """A published file, as a sweep or a copy sees it."""

    key: str
    size: int
    modified: float  # seconds since the epoch


@dataclass
class Opened:
    """A file opened for reading: its size, and its bytes as they come (only those of `part`,
    first and last byte, when a part was asked for and given). `path` is set when the file is on
    this machine's disk (the web server then serves ranges itself)."""

    size: int
    chunks: AsyncIterator[bytes]
    path: Path | None = None
    part: tuple[int, int] | None = None


Source = bytes | Path


class ObjectStore(abc.ABC):
    """Files under keys such as `ab/cd/abcd….jpg`: relative, '/'-separated, chosen by the server."""

    # How old an unnamed published file must be before a sweep may remove it. A bucket is shared by
    # several processes: a file another one has just stored may not have its row yet.
    sweep_grace_seconds: float = 0.0

    @abc.abstractmethod
    async def stage(self, key: str, source: Source, content_type: str | None = None) -> None:
        """Write `source` whole under `key`, not yet published. A Path is moved, not copied."""

    @abc.abstractmethod
    async def publish(self, *keys: str | None) -> None:
        """Make staged files visible; keys that are None are skipped."""

    async def put(self, key: str, source: Source, content_type: str | None = None) -> None:
        await self.stage(key, source, content_type)
        await self.publish(key)

    @abc.abstractmethod
    async def open(self, key: str, part: tuple[int, int | None] | None = None) -> Opened | None:
        """The published file under `key`, or None. `part` (first byte, last byte or None for the
        end) asks for only those bytes; a store may give the whole file instead (Opened.part)."""

    async def read(self, key: str) -> bytes | None:
        opened = await self.open(key)
        if opened is None:
            return None
        return b"".join([chunk async for chunk in opened.chunks])

    @abc.abstractmethod
    async def size(self, key: str) -> int | None:
        """The size of the published file under `key`; None when there is none."""

    async def exists(self, key: str) -> bool:
        return await self.size(key) is not None

    def local_path(self, key: str) -> Path | None:
        """Where the file under `key` is on this machine's disk, for a store that keeps it there."""
        return None

    @abc.abstractmethod
    async def delete(self, *keys: str | None) -> None:
        """Remove files, staged or published; missing ones are no error."""

    @abc.abstractmethod
    def list_keys(self, prefix: str = "") -> AsyncIterator[Listed]:
        """Every published file whose key starts with `prefix`."""

    @abc.abstractmethod
    async def staged(self) -> list[str]:
        """Keys staged and not yet published (only a stop leaves any behind)."""

    @abc.abstractmethod
    async def clear_scratch(self) -> int:
        """At start: remove scratch files of interrupted writes; how many."""

    @abc.abstractmethod
    def public_url(self, key: str) -> str | None:
        """Where clients fetch `key` without us, when the store has such an address."""

    async def check(self) -> None:
        """At start: ConfigError, in one line, when the store cannot be used at all."""

    async def close(self) -> None:
        """Release connections."""
