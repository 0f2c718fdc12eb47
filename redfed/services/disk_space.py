"""Room on the disk that holds files (layer 4): uploads, exports and import archives.

A full, read-only or failing disk is a temporary condition, not a crash: ServiceUnavailable (503
with Retry-After), warned about once a minute (db.faults). A large file is refused before its
bytes are read when the disk has no room for it.
"""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ..db.faults import StorageUnavailable, as_storage_fault

# Space a file must leave free, for the database and the uploads already under way.
FREE_SPACE_RESERVE = 8 * 1024 * 1024


@contextlib.contextmanager
def storage_errors() -> Iterator[None]:
    """OSErrors of a full, read-only or failing disk become ServiceUnavailable; others pass."""
    try:
        yield
    except OSError as error:
        fault = as_storage_fault(error)
        if fault is None:
            raise
        raise fault from error


def ensure_room(folder: Path, size: int) -> None:
    """ServiceUnavailable unless `size` bytes fit in `folder`'s filesystem with the reserve left."""
    with storage_errors():
        folder.mkdir(parents=True, exist_ok=True)
        stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    if free < size + FREE_SPACE_RESERVE:
        raise as_storage_fault(StorageUnavailable("full", f"{free} bytes free in {folder}, a file needs {size}"))
