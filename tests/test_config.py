"""Configuration: every key documented, defaults sane, mistakes refused at load time by name."""

import dataclasses
import tomllib
from pathlib import Path

import pytest

from redfed.config import Config, config_from_dict, load_config
from redfed.errors import ConfigError
from redfed.urls import Urls

EXAMPLE = Path(__file__).resolve().parent.parent / "instance.example.toml"


def test_example_config__loads_and_documents_every_key():
    data = tomllib.loads(EXAMPLE.read_text())
    config = load_config(EXAMPLE)
    for section in dataclasses.fields(Config):
        if section.name == "base_dir":
            continue
        documented = set(data[section.name])
        expected = {f.name for f in dataclasses.fields(section.type)}
        assert documented == expected, f"[{section.name}] in instance.example.toml"
        # The values shown in the example are the defaults.
        assert getattr(config, section.name) == section.type()


def test_config__derives_domain_with_port_and_resolves_paths(tmp_path):
    config = config_from_dict({"instance": {"base_url": "http://127.0.0.1:8001"}}, base_dir=tmp_path)
    assert config.domain == "127.0.0.1:8001"
    assert config.listen_address == ("127.0.0.1", 8001)
    assert config.database_path == tmp_path / "redfed.sqlite3"


def test_config__drops_default_port_and_lowercases_host(tmp_path):
    config = config_from_dict({"instance": {"base_url": "https://Social.Example:443"}}, base_dir=tmp_path)
    assert config.domain == "social.example"
    assert config.listen_address == ("social.example", 443)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"instanse": {}}, "unknown config section [instanse]"),
        ({"instance": {"nmae": "x"}}, "unknown config key 'instance.nmae'"),
        ({"instance": "x"}, "config key 'instance' must be a [instance] table"),
        ({"federation": {"allow_http": "yes"}}, "'federation.allow_http' must be true or false"),
        ({"federation": {"max_inbox_bytes": "1MB"}}, "'federation.max_inbox_bytes' must be an integer"),
        ({"federation": {"max_inbox_bytes": 0}}, "'federation.max_inbox_bytes' must be greater than zero"),
        ({"federation": {"blocked_domains": "bad.example"}}, "'federation.blocked_domains' must be a list of strings"),
        ({"instance": {"base_url": "ftp://x.example"}}, "'instance.base_url' must be an http(s) URL"),
        ({"instance": {"base_url": "https://x.example/social"}}, "must not have a path"),
        ({"instance": {"base_url": "http://social.example"}}, "uses plain http on a public host"),
        ({"server": {"listen": "localhost"}}, "'server.listen' must be HOST:PORT"),
        ({"server": {"idle_timeout_seconds": 0}}, "'server.idle_timeout_seconds' must be greater than zero"),
        ({"server": {"max_concurrent_bodies": 0}}, "'server.max_concurrent_bodies' must be greater than zero"),
        ({"server": {"body_timeout_seconds": "1m"}}, "'server.body_timeout_seconds' must be a number"),
        ({"server": {"graceful_timeout_seconds": -1}}, "'server.graceful_timeout_seconds' must not be negative"),
        ({"security": {"password_hash_memory_kib": 64}}, "'security.password_hash_memory_kib' and 'security.password_hash_iterations' must be at least 1024 and 1"),
        ({"media": {"storage": "bucket"}}, "'media.storage' must be \"local\" or \"s3\""),
        ({"media": {"storage": "s3"}}, "'media.bucket' must name the bucket"),
        ({"media": {"storage": "s3", "bucket": "b", "access_key_id": "k"}}, "'media.access_key_id' and 'media.secret_access_key' must be given together"),
        ({"media": {"storage": "s3", "bucket": "b", "endpoint_url": "minio:9000"}}, "'media.endpoint_url' must be an http(s) URL"),
        ({"media": {"storage": "s3", "bucket": "b", "public_base_url": "https://cdn.example/?x=1"}}, "'media.public_base_url' must be an http(s) URL"),
    ],
)
def test_config__refuses_mistakes_naming_the_key(tmp_path, data, message):
    with pytest.raises(ConfigError) as raised:
        config_from_dict(data, base_dir=tmp_path)
    assert message in raised.value.message


def test_config__plain_http_on_a_public_host_needs_allow_http(tmp_path):
    config = config_from_dict(
        {"instance": {"base_url": "http://social.example"}, "federation": {"allow_http": True}}, base_dir=tmp_path
    )
    assert config.domain == "social.example"


def test_config__bucket_credentials_never_appear_in_its_text(tmp_path):
    media = {"storage": "s3", "bucket": "b", "access_key_id": "AKIDSECRETID", "secret_access_key": "very-secret-key"}
    config = config_from_dict({"media": media}, base_dir=tmp_path)
    assert "very-secret-key" not in repr(config) and "AKIDSECRETID" not in repr(config) and "bucket='b'" in repr(config)


def test_config__public_base_url_gives_media_urls_only_with_the_bucket(tmp_path):
    key = "ab/cd/abcd0123456789abcdef0123456789ab.jpg"
    public = {"bucket": "b", "public_base_url": "https://cdn.example/"}
    on_bucket = config_from_dict({"media": {"storage": "s3", **public}}, base_dir=tmp_path)
    assert Urls(on_bucket).media(key) == f"https://cdn.example/media/{key}"
    on_disk = config_from_dict({"media": public}, base_dir=tmp_path)
    assert Urls(on_disk).media(key) == f"http://127.0.0.1:8000/media/{key}"


def test_load_config__reports_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[instance\nname = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


@pytest.mark.parametrize(("translation", "message"), [
    ({"provider": "google"}, "translation.provider"),
    ({"provider": "libretranslate"}, "translation.url"),
    ({"provider": "deepl"}, "translation.api_key"),
    ({"provider": "libretranslate", "url": "ftp://translate.example"}, "translation.url"),
    ({"per_user_per_hour": 0}, "translation.per_user_per_hour"),
])
def test_translation_mistakes__are_refused_by_name(tmp_path, translation, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        config_from_dict({"translation": translation}, base_dir=tmp_path)


def test_translation_api_key__is_not_shown_in_the_config_repr(tmp_path):
    config = config_from_dict({"translation": {"provider": "deepl", "api_key": "secret-key:fx"}}, base_dir=tmp_path)
    assert "secret-key" not in repr(config)
