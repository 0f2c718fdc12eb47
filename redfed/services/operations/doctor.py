"""`redfed doctor` (layer 4): everything an instance needs, checked from the outside, each with
what to do when it is wrong. It changes nothing: no migration is applied, no file written."""

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from ...config import Config, is_loopback_host
from ...db.databases import database_for, database_url
from ...db.errors import DATABASE_ERRORS
from ...db.migration_files import available_migrations
from ...errors import RedfedError
from ...federation.http import HttpClient
from ...objectstore import stores

MAX_SKEW_SECONDS = 300  # peers accept an hour; more than minutes means the clock is not kept
_FAULTS = (RedfedError, OSError, TimeoutError, *DATABASE_ERRORS)


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str
    fix: str = ""


async def examine(config: Config) -> list[Finding]:
    reach, clock = await _reach_and_clock(config)
    return [*_config_notes(config), await _database(config), await _media(config), reach, clock]


def _config_notes(config: Config) -> list[Finding]:
    notes = [Finding("config", True, f"{config.base_url}, database {database_url(config).redacted}")]
    if config.federation.allow_private_addresses and not is_loopback_host(urlsplit(config.base_url).hostname or ""):
        notes.append(Finding(
            "config", False, "federation.allow_private_addresses is on for a public instance",
            "remove it: remote input could then make this server call into your private network",
        ))
    if not config.secret_key_path.exists():
        notes.append(Finding("config", False, f"the secret key file {config.secret_key_path} is missing", "run redfed init"))
    return notes


async def _database(config: Config) -> Finding:
    url = database_url(config)
    if url.path is not None and not url.path.exists():
        return Finding("database", False, f"{url.path} does not exist", "run redfed init, or fix [database] path")
    try:
        async with database_for(url, pool_size=1) as db:
            async with db.reader.execute("SELECT coalesce(max(version), 0) FROM schema_migrations") as cursor:
                applied = int((await cursor.fetchone())[0])
    except _FAULTS as error:
        return Finding("database", False, f"cannot read {url.redacted}: {_text(error)}", "check [database] and that the server runs")
    expected = max(m.version for m in available_migrations(url.dialect))
    if applied < expected:
        return Finding("database", False, f"at migration {applied:04d} of {expected:04d}", "run redfed migrate")
    return Finding("database", True, f"answers, migrations applied up to {applied:04d}")


async def _media(config: Config) -> Finding:
    try:
        await stores.check_stores(config)
    except _FAULTS as error:
        return Finding("media", False, _text(error), "fix [media] (folder permissions, or the bucket's settings)")
    return Finding("media", True, f"{config.media.storage} storage usable")


async def _reach_and_clock(config: Config) -> tuple[Finding, Finding]:
    """The instance fetched at its public URL as a remote server would, and the clock compared with
    the Date that answer carries (set by whatever answers at that URL: the server, or its proxy)."""
    url = f"{config.base_url}/health"
    unchecked = Finding("clock", True, "not compared: the public URL did not answer")
    try:
        async with HttpClient(config) as http:
            response = await http.request("GET", url)
    except _FAULTS as error:
        text = _text(error)
        detail = text if url in text else f"{url}: {text}"
        return Finding("reach", False, detail, "start redfed serve, and check DNS, proxy and firewall"), unchecked
    if response.status != 200:
        return Finding("reach", False, f"{url} answered {response.status}", "check the reverse proxy forwards to redfed"), unchecked
    return Finding("reach", True, f"{url} answers"), _clock(response.headers.get("Date"))


def _clock(date: str | None) -> Finding:
    try:
        skew = time.time() - parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        return Finding("clock", True, "not compared: the answer had no Date")
    if abs(skew) > MAX_SKEW_SECONDS:
        return Finding("clock", False, f"off by {skew:+.0f} s from the server's Date", "keep the clock in time (NTP)")
    return Finding("clock", True, f"within {MAX_SKEW_SECONDS} s ({skew:+.0f} s)")


def _text(error: Exception) -> str:
    if isinstance(error, RedfedError):
        return error.message
    return f"{type(error).__name__}: {error}"[:300]
