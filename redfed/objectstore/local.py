"""Files on this machine's disk (layer 2), under one folder.

A file is staged whole (written, flushed, synced) under a pending name in `tmp/` that says which
key it becomes, and published by a rename, which either happens or does not. Faults of the disk
come out as OSError, for the caller to tell a full disk from a bug.
"""

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

from ..errors import ConfigError
from .base import CHUNK, Listed, ObjectStore, Opened, Source

SCRATCH = "tmp"
PENDING = "pending-"


class LocalStore(ObjectStore):
    def __init__(self, root: Path):
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / key

    async def check(self) -> None:
        # The folder appears with the first file; until then, the folder it will appear in.
        existing = next(folder for folder in (self.root, *self.root.parents) if folder.exists())
        if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
            raise ConfigError(f"media storage: cannot write files under {existing}")

    def local_path(self, key: str) -> Path | None:
        return self.path(key)

    def staged_path(self, key: str) -> Path:
        """Where `key` waits until it is published: a name that says which key it becomes."""
        return self.root / SCRATCH / f"{PENDING}{key.replace('/', '~')}"

    async def stage(self, key: str, source: Source, content_type: str | None = None) -> None:
        await asyncio.to_thread(self._stage, key, source)

    def _stage(self, key: str, source: Source) -> None:
        target = self.staged_path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.move(source, target)
            return
        try:
            with target.open("xb") as out:
                out.write(source)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    async def publish(self, *keys: str | None) -> None:
        # Only renames, quick enough for the event loop, where no cancel can stop them half-way.
        for key in filter(None, keys):
            final = self.path(key)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staged_path(key), final)

    async def open(self, key: str, part: tuple[int, int | None] | None = None) -> Opened | None:
        size = await self.size(key)
        return None if size is None else Opened(size, _chunks(self.path(key)), self.path(key))

    async def size(self, key: str) -> int | None:
        path = self.path(key)
        return path.stat().st_size if path.is_file() else None

    async def delete(self, *keys: str | None) -> None:
        for key in filter(None, keys):
            self.path(key).unlink(missing_ok=True)
            self.staged_path(key).unlink(missing_ok=True)

    async def list_keys(self, prefix: str = "") -> AsyncIterator[Listed]:
        for listed in await asyncio.to_thread(self._list, prefix):
            yield listed

    def _list(self, prefix: str) -> list[Listed]:
        found = []
        for folder, subfolders, names in os.walk(self.root):
            here = Path(folder)
            if here == self.root:
                subfolders[:] = [name for name in subfolders if name != SCRATCH]
            for name in names:
                key = (here / name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    stat = (here / name).stat()
                    found.append(Listed(key, stat.st_size, stat.st_mtime))
        return sorted(found, key=lambda listed: listed.key)

    async def staged(self) -> list[str]:
        folder = self.root / SCRATCH
        names = sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []
        return [name.removeprefix(PENDING).replace("~", "/") for name in names if name.startswith(PENDING)]

    async def clear_scratch(self) -> int:
        folder = self.root / SCRATCH
        return clear_scratch(folder, keep=PENDING)

    def public_url(self, key: str) -> str | None:
        return None


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk


def clear_scratch(folder: Path, keep: str = "") -> int:
    """Remove the files in `folder` (but those named `keep…`); how many."""
    if not folder.is_dir():
        return 0
    scratch = [path for path in folder.iterdir() if path.is_file() and not (keep and path.name.startswith(keep))]
    for path in scratch:
        path.unlink(missing_ok=True)
    return len(scratch)
