"""The settings forms over plain HTTP (no browser): every form refuses a forged token, shows each
wrong field with its own message, and stores nothing on an error; sessions, apps and archives
belong to their owner alone; one archive a week, on the page and the API."""

import re
import time

import pytest
import requests
from mastodon import MastodonUnauthorizedError

from redfed.clock import new_id
from redfed.services.accounts import profiles
from redfed.store.portability import exports as export_store

from ..support import api
from ..support.http import request
from .conftest import PASSWORD, photo

NEW_PASSWORD = "a much better passphrase"


class Visitor:
    """A signed-in browser without the browser: cookies kept, redirects not followed."""

    def __init__(self, instance, username: str, password: str = PASSWORD):
        self.instance, self.http = instance, requests.Session()
        page = self.get("/auth/sign_in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        reply = self.post("/auth/sign_in", {"csrf_token": token, "username": username, "password": password})
        assert reply.status_code == 303, reply.text
        self.token = self.csrf()

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.instance.url(path), allow_redirects=False, timeout=30)

    def post(self, path: str, fields: dict, files: dict | None = None) -> requests.Response:
        return self.http.post(self.instance.url(path), data=fields, files=files, allow_redirects=False, timeout=30)

    def csrf(self) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', self.get("/settings/profile").text)[1]

    def send(self, path: str, fields: dict | None = None, files: dict | None = None) -> requests.Response:
        return self.post(path, {"csrf_token": self.token, **(fields or {})}, files)


def _rows(instance, sql: str, *params) -> list[tuple]:
    async def read():
        async with instance.runtime.db.reader.execute(sql, params) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    return instance.run(read())


def _error_of(page: str, field: str) -> str:
    found = re.search(rf'<span class="field-error" id="{field}-error">([^<]*)</span>', page)
    return found[1] if found else ""


PROFILE = {"display_name": "Changed", "bio": "new bio", "field_name0": "Site", "field_value0": "x", "locked": "1"}


@pytest.mark.parametrize("path, fields", [
    ("/settings/profile", PROFILE),
    ("/settings/preferences", {"locale": "zh_Hans", "visibility": "private", "language": "fr"}),
    ("/settings/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}),
    ("/settings/export", {}),
    ("/settings/sessions/1/revoke", {}),
    ("/settings/apps/1/revoke", {}),
])
def test_forged_csrf_token__refused_and_nothing_changes(instance, path, fields):
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    visitor = Visitor(instance, "alice")
    before = _rows(instance, "SELECT display_name, manually_approves_followers FROM actors WHERE username = 'alice'")
    users_before = _rows(instance, "SELECT password_hash, locale, default_visibility, default_language FROM users")
    for forged in ({"csrf_token": "forged"}, {}):
        reply = visitor.post(path, {**fields, **forged})
        assert reply.status_code == 403 and "This form has expired" in reply.text
    assert _rows(instance, "SELECT display_name, manually_approves_followers FROM actors WHERE username = 'alice'") == before
    assert _rows(instance, "SELECT password_hash, locale, default_visibility, default_language FROM users") == users_before
    assert _rows(instance, "SELECT count(*) FROM web_sessions") == [(1,)]
    assert _rows(instance, "SELECT count(*) FROM exports") == [(0,)]
    assert api.client(instance, token=token).account_verify_credentials().username == "alice"


@pytest.mark.parametrize("path", ["/settings/profile", "/settings/password", "/settings/export", "/settings/export/following.csv"])
def test_signed_out__sent_to_sign_in(instance, path):
    reply = request("GET", instance.url(path))
    assert reply.status == 303 and reply.headers["Location"].startswith("/auth/sign_in?next=")


def test_wrong_current_password__error_beside_the_field__password_unchanged(instance):
    instance.create_user("alice")
    visitor = Visitor(instance, "alice")
    other = Visitor(instance, "alice")
    token = api.token_for(instance, "alice")
    reply = visitor.send("/settings/password", {
        "current_password": "not it", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
    })
    assert reply.status_code == 422
    assert _error_of(reply.text, "current_password") == "That is not your current password."
    assert 'aria-invalid="true"' in reply.text and "Nothing was saved" in reply.text
    assert other.get("/home").status_code == 200
    assert api.client(instance, token=token).account_verify_credentials().username == "alice"
    Visitor(instance, "alice", PASSWORD)  # the old password still signs in


@pytest.mark.parametrize("new, confirmation, field, message", [
    ("short", "short", "new_password", "Use at least 8 characters."),
    (NEW_PASSWORD, NEW_PASSWORD + "!", "confirm_password", "The two new passwords are not the same."),
])
def test_bad_new_password__explained__nothing_changes(instance, new, confirmation, field, message):
    instance.create_user("alice")
    visitor = Visitor(instance, "alice")
    reply = visitor.send("/settings/password", {
        "current_password": PASSWORD, "new_password": new, "confirm_password": confirmation,
    })
    assert reply.status_code == 422 and _error_of(reply.text, field) == message
    Visitor(instance, "alice", PASSWORD)


def test_password_change__this_session_stays_others_and_tokens_end(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    visitor, other = Visitor(instance, "alice"), Visitor(instance, "alice")
    bobs = Visitor(instance, "bob")
    token, bobs_token = api.token_for(instance, "alice"), api.token_for(instance, "bob")
    reply = visitor.send("/settings/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
    })
    assert reply.status_code == 303 and reply.headers["Location"] == "/settings/password?saved=1"
    assert "Your password was changed" in visitor.get("/settings/password?saved=1").text
    assert other.get("/home").status_code == 303
    with pytest.raises(MastodonUnauthorizedError):
        api.client(instance, token=token).account_verify_credentials()
    # Nobody else is touched.
    assert bobs.get("/home").status_code == 200
    assert api.client(instance, token=bobs_token).account_verify_credentials().username == "bob"
    Visitor(instance, "alice", NEW_PASSWORD)


def test_profile_text_errors__each_beside_its_field__nothing_stored(instance):
    instance.create_user("alice")
    visitor = Visitor(instance, "alice")
    reply = visitor.send("/settings/profile", {
        "display_name": "x" * (profiles.MAX_DISPLAY_NAME + 1), "bio": "fine",
        "field_name0": "", "field_value0": "content without a label",
        "field_name1": "Site", "field_value1": "y" * (profiles.MAX_FIELD_LENGTH + 1),
    })
    assert reply.status_code == 422
    assert _error_of(reply.text, "display_name") == "Your display name can be at most 30 characters."
    assert _error_of(reply.text, "field_name0") == "Give this field a label, or clear its content."
    assert _error_of(reply.text, "field_value1") == "Labels and contents can be at most 255 characters."
    assert _error_of(reply.text, "bio") == ""
    assert 'value="content without a label"' in reply.text  # what was typed comes back
    alice = instance.actor("alice")
    assert (alice.display_name, alice.summary_source, alice.fields) == ("", "", ())
    assert _rows(instance, "SELECT count(*) FROM deliveries") == [(0,)]


def test_non_image_avatar__refused__no_upload_kept(instance):
    instance.create_user("alice")
    visitor = Visitor(instance, "alice")
    reply = visitor.send(
        "/settings/profile", {"display_name": "Alice"},
        files={"avatar": ("me.png", b"<html><script>alert(1)</script></html>", "image/png")},
    )
    assert reply.status_code == 422 and _error_of(reply.text, "avatar") == "That file is not a picture we can read."
    assert instance.actor("alice").display_name == "" and instance.actor("alice").icon_url is None
    assert _rows(instance, "SELECT count(*) FROM media") == [(0,)]


def test_oversized_avatar_body__refused_before_reading_it(start_instance):
    instance = start_instance("a", media={"max_image_bytes": 100_000})
    instance.create_user("alice")
    visitor = Visitor(instance, "alice")
    reply = visitor.send("/settings/profile", {"display_name": "Alice"}, files={"avatar": ("big.png", b"\x89PNG" + b"0" * 400_000)})
    assert reply.status_code == 413 and "The pictures are too large together" in reply.text
    assert instance.actor("alice").display_name == ""
    assert _rows(instance, "SELECT count(*) FROM media") == [(0,)]


def test_preferences__saved_and_read_by_apps__bad_values_refused(instance):
    instance.create_user("alice")
    visitor = Visitor(instance, "alice")
    bad = visitor.send("/settings/preferences", {"locale": "klingon", "visibility": "everyone", "language": "en"})
    assert bad.status_code == 422
    assert _error_of(bad.text, "locale") == "Choose one of the languages offered."
    assert _error_of(bad.text, "visibility") == "Choose who can see your posts."
    assert _rows(instance, "SELECT locale, default_visibility, default_language FROM users") == [("en", "public", None)]

    saved = visitor.send("/settings/preferences", {"locale": "zh_Hans", "visibility": "private", "sensitive": "1", "language": "fr"})
    assert saved.status_code == 303
    page = visitor.get("/settings/preferences?saved=1").text
    assert '<html lang="zh-Hans">' in page and "已保存你的更改。" in page
    prefs = api.client(instance, "alice").preferences()
    assert prefs["posting:default:visibility"] == "private" and prefs["posting:default:sensitive"] is True
    assert prefs["posting:default:language"] == "fr"

    visitor.send("/settings/preferences", {"locale": "en", "visibility": "public", "language": ""})
    prefs = api.client(instance, "alice").preferences()
    assert (prefs["posting:default:visibility"], prefs["posting:default:sensitive"], prefs["posting:default:language"]) == (
        "public", False, None)


def test_sessions_and_apps__another_users_cannot_be_ended(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    alice, bob = Visitor(instance, "alice"), Visitor(instance, "bob")
    bobs_token = api.token_for(instance, "bob", app_name="Bob's app")
    [(bobs_session,)] = _rows(instance, "SELECT web_sessions.rowid FROM web_sessions JOIN users ON users.id = user_id "
                                        "WHERE users.email LIKE 'bob%'")
    [(bobs_app,)] = _rows(instance, "SELECT id FROM oauth_apps WHERE name = ?", "Bob's app")
    for path in (f"/settings/sessions/{bobs_session}/revoke", f"/settings/apps/{bobs_app}/revoke",
                 "/settings/sessions/99999999999999999999999/revoke", "/settings/apps/x/revoke"):
        assert alice.send(path).status_code == 404, path
    assert bob.get("/home").status_code == 200
    assert api.client(instance, token=bobs_token).account_verify_credentials().username == "bob"
    assert "Bob&#39;s app" not in alice.get("/settings/apps").text


def _finished_job(instance, visitor) -> str:
    """Wait for the export page to offer the archive; its download path."""
    for _ in range(300):
        found = re.search(r'href="(/settings/export/\d+/archive\.zip)"', visitor.get("/settings/export").text)
        if found:
            return found[1]
        time.sleep(0.1)
    raise AssertionError("the archive was never ready")


def test_export__owner_only__one_a_week_on_the_page_and_the_api(instance, clock):
    instance.create_user("alice")
    instance.create_user("bob")
    alice, bob = Visitor(instance, "alice"), Visitor(instance, "bob")
    started = alice.send("/settings/export")
    assert started.status_code == 303
    running = alice.get("/settings/export").text
    assert '<meta http-equiv="refresh"' in running or "archive.zip" in running
    archive = _finished_job(instance, alice)
    download = alice.get(archive)
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/zip"
    assert download.content[:2] == b"PK"

    refused = bob.get(archive)  # another user's archive is as if it did not exist
    assert refused.status_code == 404 and b"PK" not in refused.content[:2]
    for job_id in ("9999999999999999999", "-1", "1e3", "%2E%2E"):
        assert alice.get(f"/settings/export/{job_id}/archive.zip").status_code == 404, job_id
    assert request("GET", instance.url(archive)).status == 303

    again = alice.send("/settings/export")
    assert again.status_code == 429 and "You can request one archive every 7 days." in again.text
    token = api.token_for(instance, "alice")
    over_api = request("POST", instance.url("/api/v1/exports"), headers={"Authorization": f"Bearer {token}"}, body=b"")
    assert over_api.status == 429 and "one archive every 7 days" in over_api.json()["error"]
    assert _rows(instance, "SELECT count(*) FROM exports") == [(1,)]

    clock.advance(7 * 24 * 3600 + 1)
    expired = alice.get(archive)
    assert expired.status_code == 410 and "This archive has expired" in expired.text
    assert alice.send("/settings/export").status_code == 303


def test_csv_download__own_data_only__unknown_kinds_404(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    api.client(instance, "bob").account_follow(instance.actor("alice").id)
    alice, bob = Visitor(instance, "alice"), Visitor(instance, "bob")
    mine = alice.get("/settings/export/followers.csv")
    assert mine.status_code == 200 and mine.headers["Content-Type"].startswith("text/csv")
    assert mine.text == f"bob@{instance.actor('bob').domain}\n"
    assert bob.get("/settings/export/followers.csv").text == ""
    for kind in ("passwords", "..%2Fsecret", "following.json"):
        assert alice.get(f"/settings/export/{kind}.csv").status_code == 404


def test_export_in_progress__percentage_and_a_refresh_without_script(instance):
    alice = instance.create_user("alice").actor
    instance.run(_running_job(instance, alice, 42))
    visitor = Visitor(instance, "alice")
    page = visitor.get("/settings/export").text
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Preparing: 42%" in page and 'value="42"' in page
    assert "<script" not in page
    # Requested already: no second request this week, whatever the job's state.
    assert "You can request your next archive from" in page and "Request an archive</button>" not in page


async def _running_job(instance, actor, progress):
    now = instance.ctx.now_ms()
    async with instance.runtime.db.transaction() as conn:
        job = await export_store.insert_job(conn, new_id(now), actor.id, now)
        await export_store.set_running(conn, job.id)
        await export_store.set_progress(conn, job.id, progress)


def test_good_avatar_with_a_bad_header__neither_kept(instance, tmp_path):
    instance.create_user("alice")
    visitor = Visitor(instance, "alice")
    avatar = photo(tmp_path / "me.jpg", ("#fff", "#000"), size=(200, 200)).read_bytes()
    reply = visitor.send("/settings/profile", {"display_name": "Alice"}, files={
        "avatar": ("me.jpg", avatar, "image/jpeg"), "header": ("header.png", b"GIF89a but not really", "image/png"),
    })
    assert reply.status_code == 422 and _error_of(reply.text, "header") == "That file is not a picture we can read."
    assert _error_of(reply.text, "avatar") == ""
    assert instance.actor("alice").icon_url is None
    assert _rows(instance, "SELECT count(*) FROM media") == [(0,)]
    assert not [p for p in instance.config.media_path.rglob("*") if p.is_file()]


def test_last_seen__kept_to_five_minutes__shown_on_the_sessions_page(instance, clock):
    instance.create_user("alice")
    visitor = Visitor(instance, "alice")
    [(signed_in_at,)] = _rows(instance, "SELECT last_seen_at FROM web_sessions")
    visitor.get("/home")
    assert _rows(instance, "SELECT last_seen_at FROM web_sessions") == [(signed_in_at,)]
    clock.advance(301)
    visitor.get("/home")
    [(seen,)] = _rows(instance, "SELECT last_seen_at FROM web_sessions")
    assert signed_in_at + 301_000 <= seen < signed_in_at + 360_000
    page = visitor.get("/settings/sessions").text
    assert "python-requests" in page and "This session" in page


def test_guessing_the_current_password__throttled_like_sign_in(instance):
    instance.create_user("alice")
    visitor = Visitor(instance, "alice")
    before = _rows(instance, "SELECT password_hash FROM users")
    guess = {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    for attempt in range(5):
        assert visitor.send("/settings/password", {"current_password": f"guess {attempt}", **guess}).status_code == 422
    blocked = visitor.send("/settings/password", {"current_password": PASSWORD, **guess})
    assert blocked.status_code == 429 and "Too many failed sign-in attempts" in blocked.text
    assert _rows(instance, "SELECT password_hash FROM users") == before
