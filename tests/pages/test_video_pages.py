"""Videos on the pages (issue 15): the compose form takes a video, a profile's grid shows it by its
poster with a play mark, and a feed card gives it a native player that loads nothing until asked
and never plays by itself."""

import re

import requests

from ..support.videos import clip

PASSWORD = "correct horse battery"


def _token(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text)[1]


def _signed_in(instance, username: str) -> requests.Session:
    session = requests.Session()
    token = _token(session.get(instance.url("/auth/sign_in"), timeout=10).text)
    signed = session.post(instance.url("/auth/sign_in"), data={"csrf_token": token, "username": username, "password": PASSWORD},
                          allow_redirects=False, timeout=10)
    assert signed.status_code == 303
    return session


def _compose(session: requests.Session, instance, text: str, files: list) -> requests.Response:
    token = _token(session.get(instance.url("/compose"), timeout=10).text)
    return session.post(instance.url("/compose"), data={"csrf_token": token, "text": text, "alt_n0": "Pouring the tea"},
                        files=files, allow_redirects=False, timeout=60)


def test_compose__publishes_a_video_shown_by_its_poster_in_the_grid_and_with_a_player_in_the_feed(instance):
    instance.create_user("alice")
    session = _signed_in(instance, "alice")
    assert 'accept="image/*,video/mp4,video/webm,video/quicktime"' in session.get(instance.url("/compose"), timeout=10).text
    published = _compose(session, instance, "Tea time", [("photos", ("tea.webm", clip(container="webm"), "video/webm"))])
    assert published.status_code == 303
    [(file_key, preview_key, kind)] = instance.run(_media(instance))
    assert kind == "video" and file_key.endswith(".mp4") and preview_key.endswith(".jpg")
    urls = instance.runtime.urls
    grid = session.get(instance.url("/@alice"), timeout=10).text
    assert f'<img class="tile-photo" src="{urls.media(preview_key)}" alt="Pouring the tea"' in grid
    assert '<span class="tile-count tile-play" aria-hidden="true">▶</span>' in grid
    feed = session.get(instance.url("/home"), timeout=10).text
    player = re.search(r"<video [^>]*>", feed)[0]
    assert f'src="{urls.media(file_key)}"' in player and f'poster="{urls.media(preview_key)}"' in player
    assert "controls" in player and 'preload="none"' in player and "autoplay" not in player


def test_compose__refuses_a_fake_video_with_its_reason_and_keeps_nothing(instance):
    instance.create_user("alice")
    session = _signed_in(instance, "alice")
    refused = _compose(session, instance, "Tea time", [("photos", ("tea.mp4", b"\x00" * 4096, "video/mp4"))])
    assert refused.status_code == 422 and "That file is not a photo we can read." in refused.text
    assert instance.run(_media(instance)) == []


async def _media(instance):
    async with instance.runtime.db.reader.execute("SELECT file_key, preview_key, type FROM media") as cursor:
        return [tuple(row) for row in await cursor.fetchall()]
