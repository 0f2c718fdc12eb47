"""Which stores the configuration asks for (layer 2): one per area of files, each a folder on this
machine's disk or a prefix in the bucket."""

from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from .base import ObjectStore
from .local import SCRATCH, LocalStore
from .s3 import S3Store

MEDIA = "media"
EXPORTS = "exports"
IMPORTS = "imports"
AREAS = (MEDIA, EXPORTS, IMPORTS)


@dataclass(frozen=True)
class Stores:
    media: ObjectStore  # uploads, their previews, avatars and headers
    exports: ObjectStore  # account archives waiting to be downloaded
    imports: ObjectStore  # uploaded archives waiting to be imported

    async def close(self) -> None:
        for files in (self.media, self.exports, self.imports):
            await files.close()


def open_stores(config: Config) -> Stores:
    return Stores(*(open_store(config, area) for area in AREAS))


def open_store(config: Config, area: str) -> ObjectStore:
    """The store for `area`, as [media] storage says."""
    return open_bucket(config, area) if config.media.storage == "s3" else open_local(config, area)


def open_local(config: Config, area: str) -> LocalStore:
    return LocalStore(local_root(config, area))


def open_bucket(config: Config, area: str) -> S3Store:
    return S3Store(config.media, f"{area}/", scratch(config, area))


def local_root(config: Config, area: str) -> Path:
    """The area's folder: all its files on local storage; with a bucket, its scratch space."""
    return config.media_path if area == MEDIA else config.base_dir / area


def scratch(config: Config, area: str) -> Path:
    """Where the area's files wait while they are written or checked, whichever store keeps them."""
    return local_root(config, area) / SCRATCH
