"""Translating posts through Mastodon.py, against a LibreTranslate-compatible server on loopback:
what is sent, what is kept, and what a reader sees when the provider fails (checklist item 50)."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from ..support import api
from ..support.http import request
from ..support.libretranslate import LibreTranslateServer


@pytest.fixture
def provider():
    server = LibreTranslateServer(api_key="secret").start()
    yield server
    server.stop()


def libretranslate(provider, **more) -> dict:
    """The [translation] section for the loopback LibreTranslate server, and `more`."""
    return {"provider": "libretranslate", "url": provider.base_url, "api_key": "secret", **more}


@pytest.fixture
def instance(start_instance, provider):
    return start_instance("a", translation=libretranslate(provider, timeout_seconds=1.0))


@pytest.fixture
def putri(instance):
    instance.create_user("putri")
    return api.client(instance, "putri")


@pytest.fixture
def wei(instance):
    instance.create_user("wei")
    return api.client(instance, "wei")


def test_instance__says_translation_is_enabled_and_lists_the_providers_languages(instance, wei):
    assert wei.instance_v2()["configuration"]["translation"]["enabled"] is True
    assert wei.instance_translation_languages()["id"] == ["en", "id", "zh"]


def test_instance_without_a_provider__has_no_translation(start_instance):
    plain = start_instance("plain")
    plain.create_user("wei")
    wei = api.client(plain, "wei")
    post = wei.status_post("Selamat pagi semua", language="id")
    assert wei.instance_v2()["configuration"]["translation"]["enabled"] is False
    assert wei.instance_translation_languages() == {}
    with pytest.raises(MastodonNotFoundError):
        wei.status_translate(post["id"], lang="zh")


def test_indonesian_post__is_translated_for_a_chinese_reader(provider, putri, wei):
    post = putri.status_post("Selamat pagi semua", language="id", spoiler_text="Salam kenal")
    translated = wei.status_translate(post["id"], lang="zh")
    assert translated["content"] == "<p>大家早上好</p>"
    assert translated["spoiler_text"] == "很高兴认识你"
    assert translated["detected_source_language"] == "id"
    assert translated["provider"] == "LibreTranslate"
    [sent] = provider.translations()
    assert sent["source"] == "id" and sent["target"] == "zh" and sent["format"] == "html"
    assert sent["api_key"] == "secret"


def test_poll_options__are_translated_with_the_post(putri, wei):
    post = putri.status_post("Selamat pagi semua", language="id", poll=putri.make_poll(["Ya", "Tidak"], expires_in=3600))
    translated = wei.status_translate(post["id"], lang="zh")
    assert [o["title"] for o in translated["poll"]["options"]] == ["是", "不"]


def test_post_without_a_language__takes_the_one_the_provider_detected(provider, putri, wei):
    post = putri.status_post("Ya")  # too short to detect here
    assert post["language"] is None
    assert wei.status_translate(post["id"], lang="zh")["detected_source_language"] == "id"
    assert provider.translations()[0]["source"] == "auto"


def test_translation__is_kept_and_asked_for_once(provider, putri, wei):
    post = putri.status_post("Selamat pagi semua", language="id")
    first = wei.status_translate(post["id"], lang="zh")
    again = putri.status_translate(post["id"], lang="zh")
    assert again["content"] == first["content"]
    assert len(provider.translations()) == 1


def test_edit__makes_the_kept_translation_stale(provider, putri, wei):
    post = putri.status_post("Selamat pagi semua", language="id")
    wei.status_translate(post["id"], lang="zh")
    putri.status_update(post["id"], "Salam kenal")
    assert wei.status_translate(post["id"], lang="zh")["content"] == "<p>很高兴认识你</p>"
    assert len(provider.translations()) == 2


@pytest.mark.parametrize("mode", ["down", "slow", "garbage", "short"])
def test_failing_provider__is_a_503_with_a_clear_message_and_nothing_kept(provider, putri, wei, mode):
    post = putri.status_post("Selamat pagi semua", language="id")
    provider.mode = mode
    with pytest.raises(MastodonAPIError) as failed:
        wei.status_translate(post["id"], lang="zh")
    assert failed.value.args[1] == 503
    assert "translation service" in failed.value.args[-1]
    provider.mode = "ok"
    assert wei.status_translate(post["id"], lang="zh")["content"] == "<p>大家早上好</p>"


def test_followers_only_post__is_not_sent_to_the_provider(instance, provider, putri, wei):
    wei.account_follow(putri.me()["id"])
    instance.drain()
    post = putri.status_post("Selamat pagi semua", language="id", visibility="private")
    with pytest.raises(MastodonAPIError) as refused:
        wei.status_translate(post["id"], lang="zh")
    assert refused.value.args[1] == 403
    assert provider.translations() == []


def test_post_the_reader_cannot_see__is_not_found_and_not_sent(provider, putri, wei):
    post = putri.status_post("Selamat pagi semua", language="id", visibility="direct")
    with pytest.raises(MastodonNotFoundError):
        wei.status_translate(post["id"], lang="zh")
    assert provider.translations() == []


def test_followers_only_posts__are_sent_when_the_admin_allows(start_instance, provider):
    open_instance = start_instance("open", translation=libretranslate(provider, allow_private_posts=True))
    open_instance.create_user("putri")
    putri = api.client(open_instance, "putri")
    post = putri.status_post("Selamat pagi semua", language="id", visibility="private")
    assert putri.status_translate(post["id"], lang="zh")["content"] == "<p>大家早上好</p>"


def test_readers__are_limited_per_hour(start_instance, provider):
    limited = start_instance("limited", translation=libretranslate(provider, per_user_per_hour=2))
    limited.create_user("wei")
    token = api.token_for(limited, "wei")
    wei = api.client(limited, token=token)
    posts = [wei.status_post(f"Selamat pagi semua {n}", language="id") for n in range(3)]
    wei.status_translate(posts[0]["id"], lang="zh")
    wei.status_translate(posts[0]["id"], lang="zh")  # kept: not counted
    wei.status_translate(posts[1]["id"], lang="zh")
    # Mastodon.py would wait out a 429, so the third is asked for by hand.
    third = request("POST", limited.url(f"/api/v1/statuses/{posts[2]['id']}/translate"), body=b'{"lang": "zh"}',
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert third.status == 429 and "hour" in third.json()["error"]
    assert len(provider.translations()) == 2


def test_provider_markup__is_sanitised(provider, putri, wei):
    post = putri.status_post("Selamat pagi semua", language="id")
    provider.mode = "hostile"
    translated = wei.status_translate(post["id"], lang="zh")
    assert "大家早上好" in translated["content"]
    assert "<script" not in translated["content"] and "onerror" not in translated["content"]


def test_post_already_in_the_target_language__is_refused_without_a_request(provider, putri, wei):
    post = putri.status_post("Selamat pagi semua", language="id")
    with pytest.raises(MastodonAPIError) as refused:
        wei.status_translate(post["id"], lang="id")
    assert refused.value.args[1] == 422
    assert provider.translations() == []


def test_provider_on_a_private_address__is_refused_unless_the_config_allows(start_instance, provider):
    guarded = start_instance("guarded", federation={"allow_private_addresses": False},
                             translation=libretranslate(provider))
    guarded.create_user("wei")
    wei = api.client(guarded, "wei")
    post = wei.status_post("Selamat pagi semua", language="id")
    with pytest.raises(MastodonAPIError) as refused:
        wei.status_translate(post["id"], lang="zh")
    assert refused.value.args[1] == 503
    assert provider.received == []



@pytest.fixture
def deepl_instance(start_instance, provider):
    return start_instance("deepl", translation={"provider": "deepl", "url": provider.base_url, "api_key": "secret"})


def test_deepl__translates_with_its_own_protocol_and_key_header(deepl_instance, provider):
    deepl_instance.create_user("putri")
    putri = api.client(deepl_instance, "putri")
    post = putri.status_post("Selamat pagi semua", language="id")
    translated = putri.status_translate(post["id"], lang="zh")
    assert translated["content"] == "<p>大家早上好</p>" and translated["provider"] == "DeepL.com"
    [sent] = provider.translations()
    assert sent["authorization"] == "DeepL-Auth-Key secret" and sent["tag_handling"] == "html"
    assert sent["source_lang"] == "ID" and sent["target_lang"] == "ZH"


def test_deepl__lists_its_languages_as_mastodon_codes(deepl_instance):
    deepl_instance.create_user("wei")
    languages = api.client(deepl_instance, "wei").instance_translation_languages()
    assert languages == {"en": ["id", "zh"], "id": ["en", "zh"], "zh": ["en", "id"]}


def test_deepl_refusing__is_a_503(deepl_instance, provider):
    deepl_instance.create_user("putri")
    putri = api.client(deepl_instance, "putri")
    post = putri.status_post("Selamat pagi semua", language="id")
    provider.mode = "down"
    with pytest.raises(MastodonAPIError) as failed:
        putri.status_translate(post["id"], lang="zh")
    assert failed.value.args[1] == 503
