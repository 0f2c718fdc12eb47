"""Moving an instance's files into a bucket (layer 4): `redfed media copy --to s3`.

Every stored upload and archive (exported, or uploaded for import) is copied from the local store to the bucket, each under
the same key, and the local files stay where they are until the operator switches [media] storage
and removes them. A copy can be stopped at any moment and run again: a file already in the bucket
with the same size is skipped (a file is uploaded whole or not at all, so the same size means it
arrived), anything else is copied again.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ...objectstore.base import ObjectStore
from . import media_files

ZIP = "application/zip"


@dataclass
class Copied:
    """Where a copy stands, for its progress line and its closing report."""

    total: int = 0
    done: int = 0
    copied: int = 0
    skipped: int = 0
    bytes_copied: int = 0


Progress = Callable[[Copied], Awaitable[None]]


async def copy_files(pairs: list[tuple[ObjectStore, ObjectStore, str | None]], progress: Progress) -> Copied:
    """Copy every file of each (source, target, content type) pair that the target lacks; with
    content type None, a media file's type comes from its key."""
    state = Copied()
    plans = []
    for source, target, content_type in pairs:
        present = {listed.key: listed.size async for listed in target.list_keys()}
        wanted = [listed async for listed in source.list_keys() if content_type or media_files.content_type_of(listed.key)]
        plans.append((source, target, content_type, present, wanted))
        state.total += len(wanted)
    for source, target, content_type, present, wanted in plans:
        for listed in wanted:
            if present.get(listed.key) == listed.size:
                state.skipped += 1
            else:
                await _copy_one(source, target, listed.key, content_type or media_files.content_type_of(listed.key))
                state.copied += 1
                state.bytes_copied += listed.size
            state.done += 1
            await progress(state)
    return state


async def _copy_one(source: ObjectStore, target: ObjectStore, key: str, content_type: str | None) -> None:
    data = await source.read(key)
    if data is not None:  # removed meanwhile by a running server
        await target.put(key, data, content_type)
