"""Instance configuration (layer 0): frozen dataclasses loaded from a TOML file.

Each `[section]` of instance.toml maps to one dataclass. Unknown keys and values of the wrong type
are refused at load time with the key's dotted name, so a typo never silently becomes a default.
Configuration is passed in (`create_app(config)`), never read from a global.
"""

import dataclasses
import ipaddress
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError

CONFIG_ENV_VAR = "REDFED_CONFIG"
DEFAULT_CONFIG_NAME = "instance.toml"


@dataclass(frozen=True)
class InstanceConfig:
    base_url: str = "http://127.0.0.1:8000"
    name: str = "redfed"
    description: str = "A redfed instance: photos, posts and shops on the fediverse."
    contact_email: str = ""


@dataclass(frozen=True)
class DatabaseConfig:
    # url wins when set: sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/NAME.
    url: str = ""
    path: str = "redfed.sqlite3"
    # Connections each process keeps to PostgreSQL (SQLite has one reader and one writer).
    pool_size: int = 20


@dataclass(frozen=True)
class ServerConfig:
    # Where `redfed serve` listens; empty means the host and port of instance.base_url.
    listen: str = ""
    # The limits below keep slow or vanished clients from holding the server; instance.example.toml
    # says why each has its value.
    idle_timeout_seconds: float = 5.0
    max_header_bytes: int = 64 * 1024
    body_timeout_seconds: float = 60.0
    max_concurrent_bodies: int = 64
    graceful_timeout_seconds: float = 10.0
    backlog: int = 1024


@dataclass(frozen=True)
class FederationConfig:
    allow_private_addresses: bool = False
    allow_http: bool = False
    max_inbox_bytes: int = 1024 * 1024
    max_response_bytes: int = 1024 * 1024
    fetch_timeout_seconds: float = 10.0
    max_redirects: int = 5
    signature_skew_seconds: int = 3600
    user_agent: str = ""
    blocked_domains: tuple[str, ...] = ()
    rfc9421_first: bool = False
    # Outgoing activities carry an FEP-8b32 integrity proof (eddsa-jcs-2022, the actor's Ed25519 key).
    integrity_proofs: bool = True
    outbox_backfill: int = 20
    inbox_per_host_per_minute: int = 600


@dataclass(frozen=True)
class DeliveryConfig:
    max_attempts: int = 16
    initial_delay_seconds: float = 15.0
    max_delay_seconds: float = 24 * 3600.0


@dataclass(frozen=True)
class WorkersConfig:
    in_process: bool = True
    concurrency: int = 4
    lease_seconds: float = 30.0


@dataclass(frozen=True)
class MediaConfig:
    path: str = "media"
    max_image_bytes: int = 16 * 1024 * 1024
    max_video_bytes: int = 99 * 1024 * 1024
    max_image_pixels: int = 8_294_400  # 3840 x 2160, Mastodon's limit for a processed image
    # Refuse anything larger before decoding it (7680 x 4320, Mastodon's matrix limit); for an
    # animation, all its frames together.
    max_decode_pixels: int = 33_177_600
    # Decoding one image may take this long before it is refused (its process is killed).
    max_decode_seconds: float = 10.0
    max_attachments: int = 20
    # Videos (and animated GIFs, which become looping videos): refused over these when probed, as
    # Mastodon's limits (3840 x 2160, 120 fps, about 5 minutes).
    max_video_pixels: int = 8_294_400
    max_video_fps: float = 120.0
    max_video_seconds: float = 300.0
    # Transcoded videos are scaled down to this many pixels on their shorter side, and this frame rate.
    video_max_side: int = 1080
    video_max_output_fps: float = 60.0
    # One transcode may take this long before its process is killed and the upload marked failed.
    max_transcode_seconds: float = 600.0
    # How many videos each worker process transcodes at once.
    video_workers: int = 1
    # Where files are kept: "local" (under `path`) or "s3" (an S3-compatible bucket; `path` then
    # holds only uploads being checked). instance.example.toml describes each key.
    storage: str = "local"
    endpoint_url: str = ""
    region: str = ""
    bucket: str = ""
    access_key_id: str = field(default="", repr=False)
    secret_access_key: str = field(default="", repr=False)
    public_base_url: str = ""


@dataclass(frozen=True)
class ApiConfig:
    # Mastodon 4.4 dropped the password grant, but CLI clients (toot login_cli) still use it.
    password_grant: bool = True
    max_characters: int = 500


@dataclass(frozen=True)
class TranslationConfig:
    # "" (no translation), "libretranslate" (a LibreTranslate-compatible server at `url`) or
    # "deepl" (DeepL's API; `url` defaults to the free or paid endpoint by the key's form).
    provider: str = ""
    url: str = ""
    api_key: str = field(default="", repr=False)
    timeout_seconds: float = 10.0
    # Only public and unlisted posts go to the provider unless this is true.
    allow_private_posts: bool = False
    per_user_per_hour: int = 60


@dataclass(frozen=True)
class LanguagesConfig:
    # Detect the language of posts written without one. "low" accuracy keeps the detector near
    # 50 MB and loads in a fraction of a second; "high" is better on short posts but takes ~300 MB.
    detect: bool = True
    detection_accuracy: str = "low"


@dataclass(frozen=True)
class SecurityConfig:
    secret_key_file: str = "secret.key"
    # Argon2id's cost for new password hashes (a stored hash keeps the cost it was made with).
    password_hash_memory_kib: int = 65536
    password_hash_iterations: int = 3


@dataclass(frozen=True)
class OperationsConfig:
    # GET /metrics answers only a request with `Authorization: Bearer <metrics_token>`; empty
    # turns the endpoint off (404).
    metrics_token: str = field(default="", repr=False)
    # One JSON object per log line, for log collectors; plain text lines otherwise.
    json_logs: bool = False


@dataclass(frozen=True)
class InsightsConfig:
    # Count views of posts and profiles for their authors (services/insights). Off: nothing is
    # counted and the insights pages and API answer 404.
    enabled: bool = True
    # Counts are kept in memory and written every this many seconds (and at a graceful stop); a
    # crash loses at most this interval's views.
    flush_seconds: float = 60.0
    # Daily view counts older than this are deleted.
    retention_days: int = 365


@dataclass(frozen=True)
class Config:
    instance: InstanceConfig = field(default_factory=InstanceConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    federation: FederationConfig = field(default_factory=FederationConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    workers: WorkersConfig = field(default_factory=WorkersConfig)
    media: MediaConfig = field(default_factory=MediaConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    security: SecurityConfig = field(default_factory=SecurityConfig)
    translation: TranslationConfig = field(default_factory=TranslationConfig)
    languages: LanguagesConfig = field(default_factory=LanguagesConfig)
    operations: OperationsConfig = field(default_factory=OperationsConfig)
    insights: InsightsConfig = field(default_factory=InsightsConfig)
    # Relative paths in the file are relative to the file's folder.
    base_dir: Path = field(default_factory=Path.cwd)

    @property
    def base_url(self) -> str:
        return self.instance.base_url

    @property
    def domain(self) -> str:
        """host[:port] as it appears in acct: handles; the port only when it is not the default."""
        return url_authority(self.instance.base_url)

    @property
    def database_path(self) -> Path:
        return self._resolve(self.database.path)

    @property
    def media_path(self) -> Path:
        return self._resolve(self.media.path)

    @property
    def secret_key_path(self) -> Path:
        return self._resolve(self.security.secret_key_file)

    @property
    def listen_address(self) -> tuple[str, int]:
        if self.server.listen:
            host, _, port = self.server.listen.rpartition(":")
            return host.strip("[]"), int(port)
        parts = urlsplit(self.instance.base_url)
        return parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def user_agent(self) -> str:
        from_redfed = f"redfed (+{self.instance.base_url})"
        return self.federation.user_agent or from_redfed

    def _resolve(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.base_dir / path


_SECTIONS = {f.name: f.type for f in dataclasses.fields(Config) if f.name != "base_dir"}


def url_authority(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    if ":" in host:
        host = f"[{host}]"
    if parts.port and parts.port != default_port:
        return f"{host}:{parts.port}"
    return host


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from None
    return config_from_dict(data, base_dir=path.resolve().parent)


def config_from_dict(data: dict[str, Any], base_dir: Path | None = None) -> Config:
    sections = {}
    for name, value in data.items():
        if name not in _SECTIONS:
            raise ConfigError(f"unknown config section [{name}]")
        if not isinstance(value, dict):
            raise ConfigError(f"config key '{name}' must be a [{name}] table")
        sections[name] = _build_section(name, _SECTIONS[name], value)
    config = Config(**sections, base_dir=base_dir or Path.cwd())
    _validate(config)
    return config


def _build_section(name: str, cls: type, values: dict[str, Any]):
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(f"unknown config key '{name}.{key}'")
        kwargs[key] = _coerce(f"{name}.{key}", fields[key].type, value)
    return cls(**kwargs)


def _coerce(key: str, expected: Any, value: Any) -> Any:
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif expected is str:
        ok = isinstance(value, str)
    else:  # tuple[str, ...]
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(v.lower() for v in value) if ok else value
    if not ok:
        raise ConfigError(f"config key '{key}' must be {_TYPE_NAMES.get(expected, 'a list of strings')}")
    return value


_TYPE_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def _validate(config: Config) -> None:
    parts = urlsplit(config.instance.base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("config key 'instance.base_url' must be an http(s) URL such as https://example.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError("config key 'instance.base_url' must not have a path, query or fragment")
    if parts.scheme == "http" and not (config.federation.allow_http or is_loopback_host(parts.hostname)):
        raise ConfigError(
            "config key 'instance.base_url' uses plain http on a public host; "
            "use https, or set federation.allow_http = true"
        )
    positive = {
        "federation.max_inbox_bytes": config.federation.max_inbox_bytes,
        "federation.max_response_bytes": config.federation.max_response_bytes,
        "federation.fetch_timeout_seconds": config.federation.fetch_timeout_seconds,
        "federation.signature_skew_seconds": config.federation.signature_skew_seconds,
        "delivery.max_attempts": config.delivery.max_attempts,
        "delivery.initial_delay_seconds": config.delivery.initial_delay_seconds,
        "delivery.max_delay_seconds": config.delivery.max_delay_seconds,
        "workers.concurrency": config.workers.concurrency,
        "workers.lease_seconds": config.workers.lease_seconds,
        "insights.flush_seconds": config.insights.flush_seconds,
        "insights.retention_days": config.insights.retention_days,
        "federation.inbox_per_host_per_minute": config.federation.inbox_per_host_per_minute,
        "media.max_image_bytes": config.media.max_image_bytes,
        "media.max_video_bytes": config.media.max_video_bytes,
        "media.max_image_pixels": config.media.max_image_pixels,
        "media.max_decode_pixels": config.media.max_decode_pixels,
        "media.max_decode_seconds": config.media.max_decode_seconds,
        "media.max_attachments": config.media.max_attachments,
        "media.max_video_pixels": config.media.max_video_pixels,
        "media.max_video_fps": config.media.max_video_fps,
        "media.max_video_seconds": config.media.max_video_seconds,
        "media.video_max_side": config.media.video_max_side,
        "media.video_max_output_fps": config.media.video_max_output_fps,
        "media.max_transcode_seconds": config.media.max_transcode_seconds,
        "media.video_workers": config.media.video_workers,
        "api.max_characters": config.api.max_characters,
        "server.idle_timeout_seconds": config.server.idle_timeout_seconds,
        "server.max_header_bytes": config.server.max_header_bytes,
        "server.body_timeout_seconds": config.server.body_timeout_seconds,
        "server.max_concurrent_bodies": config.server.max_concurrent_bodies,
        "server.backlog": config.server.backlog,
        "database.pool_size": config.database.pool_size,
        "translation.timeout_seconds": config.translation.timeout_seconds,
        "translation.per_user_per_hour": config.translation.per_user_per_hour,
    }
    if config.security.password_hash_memory_kib < 1024 or config.security.password_hash_iterations < 1:
        raise ConfigError("config keys 'security.password_hash_memory_kib' and 'security.password_hash_iterations' "
                          "must be at least 1024 and 1")
    if config.federation.outbox_backfill < 0:
        raise ConfigError("config key 'federation.outbox_backfill' must not be negative")
    for key, value in positive.items():
        if value <= 0:
            raise ConfigError(f"config key '{key}' must be greater than zero")
    if config.server.graceful_timeout_seconds < 0:
        raise ConfigError("config key 'server.graceful_timeout_seconds' must not be negative")
    if config.federation.max_redirects < 0:
        raise ConfigError("config key 'federation.max_redirects' must not be negative")
    if config.server.listen and not config.server.listen.rpartition(":")[2].isdigit():
        raise ConfigError("config key 'server.listen' must be HOST:PORT")
    _validate_media(config.media)
    _validate_languages(config.translation, config.languages)
    if config.database.path != ":memory:" and not config.database.path:
        raise ConfigError("config key 'database.path' must not be empty")


def _validate_media(media: MediaConfig) -> None:
    if media.storage not in ("local", "s3"):
        raise ConfigError("config key 'media.storage' must be \"local\" or \"s3\"")
    if media.storage == "s3":
        validate_bucket(media)


def _validate_languages(translation: TranslationConfig, languages: LanguagesConfig) -> None:
    if translation.provider not in ("", "libretranslate", "deepl"):
        raise ConfigError("config key 'translation.provider' must be \"libretranslate\", \"deepl\" or empty")
    if translation.provider == "libretranslate" and not translation.url:
        raise ConfigError("config key 'translation.url' must name the LibreTranslate server")
    if translation.provider == "deepl" and not translation.api_key:
        raise ConfigError("config key 'translation.api_key' is required for DeepL")
    parts = urlsplit(translation.url)
    if translation.url and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise ConfigError("config key 'translation.url' must be an http(s) URL")
    if languages.detection_accuracy not in ("low", "high"):
        raise ConfigError("config key 'languages.detection_accuracy' must be \"low\" or \"high\"")


def validate_bucket(media: MediaConfig) -> None:
    """ConfigError unless the [media] bucket settings are usable (for storage = "s3", and for
    `redfed media copy`, which runs before the switch)."""
    if not media.bucket:
        raise ConfigError("config key 'media.bucket' must name the bucket when media.storage is \"s3\"")
    if bool(media.access_key_id) != bool(media.secret_access_key):
        raise ConfigError("config keys 'media.access_key_id' and 'media.secret_access_key' must be given together")
    for key in ("endpoint_url", "public_base_url"):
        value = getattr(media, key)
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment):
            raise ConfigError(f"config key 'media.{key}' must be an http(s) URL such as https://files.example.com")
