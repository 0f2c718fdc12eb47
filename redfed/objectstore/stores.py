"""Which store the configuration asks for (layer 2)."""

from pathlib import Path

from ..config import Config
from .base import ObjectStore
from .local import SCRATCH, LocalStore
from .s3 import S3Store

MEDIA = "media"
EXPORTS = "exports"
AREAS = (MEDIA, EXPORTS)


def open_store(config: Config, area: str) -> ObjectStore:
    """The store for `area` (MEDIA or EXPORTS): a folder on disk, or a prefix in the bucket."""
    return open_bucket(config, area) if config.media.storage == "s3" else open_local(config, area)


def open_local(config: Config, area: str) -> LocalStore:
    return LocalStore(local_root(config, area))


def open_bucket(config: Config, area: str) -> S3Store:
    return S3Store(config.media, f"{area}/", local_root(config, area) / SCRATCH)


def local_root(config: Config, area: str) -> Path:
    return config.media_path if area == MEDIA else config.base_dir / area
