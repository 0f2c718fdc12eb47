"""Which stores the configuration asks for (layer 2): one per area of files, each a folder on this
machine's disk or a prefix in the bucket."""

from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from .base import ObjectStore
from .local import SCRATCH, LocalStore
from .s3 import IMMUTABLE, PRIVATE, Bucket, S3Store

MEDIA = "media"
EXPORTS = "exports"
IMPORTS = "imports"
AREAS = (MEDIA, EXPORTS, IMPORTS)


@dataclass(frozen=True)
class Stores:
    media: ObjectStore  # uploads, their previews, avatars and headers
    exports: ObjectStore  # account archives waiting to be downloaded
    imports: ObjectStore  # uploaded archives waiting to be imported

    def __iter__(self):
        return iter((self.media, self.exports, self.imports))

    async def close(self) -> None:
        for files in self:
            await files.close()


def open_stores(config: Config) -> Stores:
    """The stores [media] storage asks for."""
    return bucket_stores(config) if config.media.storage == "s3" else local_stores(config)


async def check_stores(config: Config) -> None:
    """ConfigError, in one line, when the configured stores cannot be used."""
    files = open_stores(config)
    try:
        await files.media.check()
    finally:
        await files.close()


def local_stores(config: Config) -> Stores:
    return Stores(*(LocalStore(local_root(config, area)) for area in AREAS))


def bucket_stores(config: Config) -> Stores:
    bucket = Bucket(config.media)
    return Stores(*(
        S3Store(bucket, f"{area}/", scratch(config, area), IMMUTABLE if area == MEDIA else PRIVATE) for area in AREAS
    ))


def local_root(config: Config, area: str) -> Path:
    """The area's folder: all its files on local storage; with a bucket, its scratch space."""
    return config.media_path if area == MEDIA else config.base_dir / area


def scratch(config: Config, area: str) -> Path:
    """Where the area's files wait while they are written or checked, whichever store keeps them."""
    return local_root(config, area) / SCRATCH
