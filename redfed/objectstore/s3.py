"""Files in an S3-compatible bucket (layer 2), through aiobotocore.

A file is uploaded under its final name when it is staged: a bucket has no rename, and an
unguessable key no row names yet is as good as unpublished. A stop between staging and the
commit leaves an object no row names, which the start-up sweep removes once it is older than
`sweep_grace_seconds` (younger ones may be another process's upload in flight).

Every failure to reach the bucket is a BucketUnavailable (503); a missing object is None.
"""

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from ..config import MediaConfig
from ..errors import ConfigError
from . import local
from .base import CHUNK, Listed, ObjectStore, Opened, Source
from .faults import redact, unavailable

NOT_FOUND = ("404", "NoSuchKey", "NotFound")
CONTENT_RANGE = re.compile(r"bytes (?P<first>\d+)-(?P<last>\d+)/(?P<size>\d+)")
# How the bucket (or a CDN before it) may cache what it serves: a media key names one file
# forever; archives are one person's, and not for any cache.
IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"
# Connection failures are told quickly rather than retried for long: a request is waiting.
CLIENT_CONFIG = dict(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2, "mode": "standard"})


class Bucket:
    """One connection to the bucket, shared by the stores of every area; opened on first use."""

    def __init__(self, settings: MediaConfig):
        self.settings = settings
        self.secrets = (settings.secret_access_key, settings.access_key_id)
        self._client = None
        self._exits = contextlib.AsyncExitStack()
        self._lock = asyncio.Lock()

    async def client(self):
        async with self._lock:
            if self._client is None:
                self._client = await self._exits.enter_async_context(self._create_client())
        return self._client

    def _create_client(self):
        s = self.settings
        return get_session().create_client(
            "s3", endpoint_url=s.endpoint_url or None, region_name=s.region or None,
            aws_access_key_id=s.access_key_id or None, aws_secret_access_key=s.secret_access_key or None,
            config=AioConfig(**CLIENT_CONFIG, s3={"addressing_style": "path"}),
        )

    @contextlib.asynccontextmanager
    async def faults(self):
        """What goes wrong on the way to the bucket, as BucketUnavailable."""
        try:
            yield
        except (BotoCoreError, ClientError, OSError, TimeoutError) as error:
            raise unavailable(error, self.secrets) from None

    async def check(self) -> None:
        try:
            await (await self.client()).head_bucket(Bucket=self.settings.bucket)
        except (BotoCoreError, ClientError, OSError, TimeoutError) as error:
            where = self.settings.endpoint_url or "the default endpoint"
            cause = redact(f"{type(error).__name__}: {error}", self.secrets)
            await self.close()
            raise ConfigError(f"media storage: cannot use bucket '{self.settings.bucket}' at {where}: {cause}") from None

    async def close(self) -> None:
        await self._exits.aclose()
        self._client = None


class S3Store(ObjectStore):
    sweep_grace_seconds = 3600.0

    def __init__(self, bucket: Bucket, prefix: str, scratch: Path, cache_control: str = PRIVATE):
        """Objects are named `prefix` + key in the bucket, and served by it with `cache_control`;
        `scratch` is the local folder where files wait while they are written or checked."""
        self.bucket, self.prefix, self.scratch, self.cache_control = bucket, prefix, scratch, cache_control
        self.name = bucket.settings.bucket

    def _name(self, key: str) -> str:
        return self.prefix + key

    async def stage(self, key: str, source: Source, content_type: str | None = None) -> None:
        extra = {"CacheControl": self.cache_control} | ({"ContentType": content_type} if content_type else {})
        async with self.bucket.faults():
            s3 = await self.bucket.client()
            if isinstance(source, Path):
                with source.open("rb") as body:
                    await s3.put_object(Bucket=self.name, Key=self._name(key), Body=body, **extra)
                source.unlink(missing_ok=True)
            else:
                await s3.put_object(Bucket=self.name, Key=self._name(key), Body=source, **extra)

    async def publish(self, *keys: str | None) -> None:
        """Nothing to do: staged objects are in place already."""

    async def open(self, key: str, part: tuple[int, int | None] | None = None) -> Opened | None:
        wanted = {"Range": f"bytes={part[0]}-{'' if part[1] is None else part[1]}"} if part else {}
        async with self.bucket.faults():
            try:
                answer = await (await self.bucket.client()).get_object(Bucket=self.name, Key=self._name(key), **wanted)
            except ClientError as error:
                if _missing(error):
                    return None
                if _code(error) == "InvalidRange":  # past the end: the whole file instead
                    return await self.open(key)
                raise
        body = self._chunks(answer["Body"])
        given = CONTENT_RANGE.fullmatch(answer.get("ContentRange") or "")
        if given is None:
            return Opened(answer["ContentLength"], body)
        return Opened(int(given["size"]), body, part=(int(given["first"]), int(given["last"])))

    async def _chunks(self, body) -> AsyncIterator[bytes]:
        async with self.bucket.faults():
            try:
                async for chunk in body.iter_chunks(CHUNK):
                    yield chunk
            finally:
                body.close()

    async def size(self, key: str) -> int | None:
        async with self.bucket.faults():
            try:
                answer = await (await self.bucket.client()).head_object(Bucket=self.name, Key=self._name(key))
            except ClientError as error:
                if _missing(error):
                    return None
                raise
        return answer["ContentLength"]

    async def delete(self, *keys: str | None) -> None:
        async with self.bucket.faults():
            s3 = await self.bucket.client()
            for key in filter(None, keys):
                await s3.delete_object(Bucket=self.name, Key=self._name(key))

    async def list_keys(self, prefix: str = "") -> AsyncIterator[Listed]:
        async with self.bucket.faults():
            pages = (await self.bucket.client()).get_paginator("list_objects_v2").paginate(
                Bucket=self.name, Prefix=self._name(prefix)
            )
            async for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"][len(self.prefix):]
                    yield Listed(key, item["Size"], item["LastModified"].timestamp())

    async def staged(self) -> list[str]:
        return []

    async def clear_scratch(self) -> int:
        return await asyncio.to_thread(local.clear_scratch, self.scratch)

    def public_url(self, key: str) -> str | None:
        base = self.bucket.settings.public_base_url.rstrip("/")
        return f"{base}/{self._name(key)}" if base else None

    async def check(self) -> None:
        await self.bucket.check()

    async def close(self) -> None:
        await self.bucket.close()


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code"))


def _missing(error: ClientError) -> bool:
    return _code(error) in NOT_FOUND
