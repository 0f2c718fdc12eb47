"""Detecting the language of posts written without one: short texts, CJK and mixed posts; a
language the author chose is never replaced; detected languages are stored and federated."""

import pytest

from redfed.services.languages.detection import detect
from redfed.store import posts as post_store

from ..inbox.conftest import remote, start_remote  # noqa: F401  (the hostile remote fixtures)
from ..support import api
from ..support.hostile import PUBLIC, sign_post
from ..support.http import AP, get


@pytest.mark.parametrize(("text", "language"), [
    ("Good morning everyone", "en"),
    ("New photos from my trip", "en"),
    ("你好", "zh"),
    ("今天天气很好，我们去公园吧", "zh"),
    ("Terima kasih", "id"),
    ("Baju baru untuk dijual, harga murah", "id"),
    ("新しい写真を投稿しました", "ja"),
    ("Buenos días a todos", "es"),
    ("Bom dia, tudo bem?", "pt"),
])
def test_short_posts__are_detected(text, language):
    assert detect(text) == language


@pytest.mark.parametrize(("text", "language"), [
    ("hello 你好 this is my new shop", "en"),  # mostly English
    ("今天天气很好 nice", "zh"),  # mostly Chinese
    ("Selamat pagi semua, good morning", "id"),
])
def test_mixed_posts__take_the_language_most_of_the_words_are_in(text, language):
    assert detect(text) == language


@pytest.mark.parametrize("text", ["ok", "👍", "12345", "https://example.com/page"])
def test_texts_too_short_or_wordless__are_left_undetected(instance, text):
    instance.create_user("putri")
    assert api.client(instance, "putri").status_post(text)["language"] is None


def test_post_without_a_language__gets_the_detected_one_stored_and_federated(instance):
    instance.create_user("putri")
    post = api.client(instance, "putri").status_post("Selamat pagi semua, apa kabar? @putri #pagi")
    assert post["language"] == "id"
    note = get(instance.url(f"/users/putri/statuses/{post['id']}"), AP).json()
    assert note["contentMap"] == {"id": note["content"]}


def test_language_the_author_chose__is_kept(instance):
    instance.create_user("putri")
    assert api.client(instance, "putri").status_post("Selamat pagi semua", language="ms")["language"] == "ms"


def test_detection_switched_off__leaves_the_language_empty(start_instance):
    quiet = start_instance("quiet", languages={"detect": False})
    quiet.create_user("putri")
    assert api.client(quiet, "putri").status_post("Selamat pagi semua, apa kabar?")["language"] is None


def test_remote_post_without_a_language__gets_one_detected(instance, remote):  # noqa: F811
    instance.create_user("wei")
    sender = remote.add_actor("putri")
    wei = instance.actor("wei")
    note = sender.note("<p>早上好，今天我们去市场买菜</p>", to=[PUBLIC], cc=[wei.uri],
                       tag=[{"type": "Mention", "href": wei.uri}])
    reply = sign_post(instance.url("/inbox"), sender.activity("Create", note), sender.signing_key, instance.clock()).send()
    assert reply.status == 202, reply.body
    instance.drain()
    stored = instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, note["id"]))
    assert stored.language == "zh"


def test_remote_post_with_a_language__keeps_it(instance, remote):  # noqa: F811
    instance.create_user("wei")
    sender = remote.add_actor("putri")
    wei = instance.actor("wei")
    note = sender.note("<p>早上好</p>", to=[PUBLIC], cc=[wei.uri], contentMap={"ja": "<p>早上好</p>"},
                       tag=[{"type": "Mention", "href": wei.uri}])
    sign_post(instance.url("/inbox"), sender.activity("Create", note), sender.signing_key, instance.clock()).send()
    instance.drain()
    stored = instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, note["id"]))
    assert stored.language == "ja"
