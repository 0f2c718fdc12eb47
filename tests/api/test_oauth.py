"""OAuth 2 as Mastodon apps use it: app registration, the sign-in and consent pages, every grant,
revocation, the metadata document and `redfed token create`, all over real HTTP."""

import base64
import hashlib
import json
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from mastodon import Mastodon, MastodonIllegalArgumentError, MastodonUnauthorizedError

from redfed.services.accounts import accounts

from ..support import api
from ..support.http import Reply, request

PASSWORD = "correct horse battery"
CALLBACK = "https://client.example/callback"
SCOPES = ["read", "write", "follow", "push"]


# --- helpers: a browser with cookies, forms, and the client side of the flow -------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person's browser: keeps cookies, never follows redirects (the client app's URL is not ours)."""

    def __init__(self):
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def open(self, url: str, fields: dict | None = None) -> Reply:
        body = urlencode(fields).encode() if fields is not None else None
        req = urllib.request.Request(url, data=body, method="POST" if fields is not None else "GET")
        try:
            with self._opener.open(req, timeout=10) as response:
                return Reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers, error.read())


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value") or ""


def hidden_fields(page: Reply) -> dict[str, str]:
    parser = _Form()
    parser.feed(page.text)
    return parser.fields


def sign_in(instance, browser: Browser, url: str, username: str = "alice", password: str = PASSWORD) -> Reply:
    """Open an authorize URL and fill in the sign-in form, unless the browser is signed in already:
    the consent page (or the form again) comes back."""
    page = browser.open(url)
    assert page.status == 200, page.text
    if 'name="decision"' in page.text:
        return page
    return browser.open(instance.url("/oauth/authorize"), {**hidden_fields(page), "username": username, "password": password})


def decide(instance, browser: Browser, consent: Reply, decision: str = "authorize") -> Reply:
    assert consent.status == 200 and "Authorize" in consent.text, consent.text
    return browser.open(instance.url("/oauth/authorize"), {**hidden_fields(consent), "decision": decision})


def register(instance, scopes=SCOPES, redirect_uris=CALLBACK) -> tuple[str, str]:
    return Mastodon.create_app("test client", scopes=scopes, redirect_uris=redirect_uris, api_base_url=instance.base_url)


def client_for(instance, client_id: str, secret: str) -> Mastodon:
    return Mastodon(client_id=client_id, client_secret=secret, api_base_url=instance.base_url, request_timeout=30)


def authorize_url(instance, client_id: str, secret: str, scopes=SCOPES, redirect_uri=CALLBACK, **extra) -> str:
    url = client_for(instance, client_id, secret).auth_request_url(
        redirect_uris=redirect_uri, scopes=scopes, state=extra.pop("state", None), allow_http=True
    )
    return url + ("&" + urlencode(extra) if extra else "")


def query_of(reply: Reply) -> dict[str, str]:
    location = reply.headers["Location"]
    assert location.startswith(CALLBACK + "?"), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def post_json(url: str, body: dict, headers: dict | None = None) -> Reply:
    return request("POST", url, headers={"Content-Type": "application/json", **(headers or {})}, body=json.dumps(body).encode())


def post_form(url: str, fields: dict, headers: dict | None = None) -> Reply:
    headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    return request("POST", url, headers=headers, body=urlencode(fields).encode())


def token_request(instance, client_id: str, secret: str, grant_type: str, **fields) -> Reply:
    credentials = {"client_id": client_id, "client_secret": secret}
    return post_form(instance.url("/oauth/token"), {"grant_type": grant_type, **credentials, **fields})


def approve(instance, browser: Browser, url: str, decision: str = "authorize") -> Reply:
    """Sign in if needed and answer the consent page."""
    return decide(instance, browser, sign_in(instance, browser, url), decision)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def codes_issued(instance) -> int:
    async def count():
        async with instance.runtime.db.reader.execute("SELECT count(*) FROM oauth_codes") as cursor:
            return (await cursor.fetchone())[0]

    return instance.run(count())


@pytest.fixture
def alice(instance):
    return instance.create_user("alice")


# --- apps ------------------------------------------------------------------------------------


def test_create_app__returns_the_credential_application(instance):
    reply = post_json(instance.url("/api/v1/apps"), {
        "client_name": "Phanpy", "redirect_uris": [CALLBACK, "urn:ietf:wg:oauth:2.0:oob"],
        "scopes": "read write push", "website": "https://phanpy.example",
    })
    assert reply.status == 200, reply.text
    app = reply.json()
    assert app["name"] == "Phanpy" and app["website"] == "https://phanpy.example"
    assert app["scopes"] == ["read", "write", "push"]
    assert app["redirect_uris"] == [CALLBACK, "urn:ietf:wg:oauth:2.0:oob"]
    assert app["redirect_uri"] == CALLBACK + "\nurn:ietf:wg:oauth:2.0:oob"
    assert app["client_id"] and app["client_secret"] and isinstance(app["vapid_key"], str)
    # The form Mastodon.py sends: newline-separated URIs, default scopes.
    form = post_form(instance.url("/api/v1/apps"), {"client_name": "bot", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}).json()
    assert form["scopes"] == ["read"] and form["website"] is None and form["client_id"] != app["client_id"]
    client_id, secret = register(instance)
    assert client_id and secret


@pytest.mark.parametrize("fields, message", [
    ({"redirect_uris": CALLBACK}, "Application name can't be blank"),
    ({"client_name": "x", "redirect_uris": "/relative/path"}, "Redirect URI must be an absolute URI."),
    ({"client_name": "x", "redirect_uris": "https://client.example/cb#frag"}, "Redirect URI cannot contain a fragment."),
    ({"client_name": "x"}, "Redirect URI can't be blank"),
    ({"client_name": "x", "redirect_uris": CALLBACK, "scopes": "read superpowers"}, "superpowers"),
    ({"client_name": "redfed CLI", "redirect_uris": CALLBACK}, "reserved"),
])
def test_create_app__refuses_invalid_registrations(instance, fields, message):
    reply = post_form(instance.url("/api/v1/apps"), fields)
    assert reply.status == 422 and message in reply.json()["error"]


# --- the password grant ----------------------------------------------------------------------


def test_password_grant__logs_in_and_the_scope_is_honoured(instance, alice):
    client_id, secret = register(instance, scopes=["read", "write", "profile"])
    mastodon = client_for(instance, client_id, secret)
    mastodon.log_in("alice@example.com", PASSWORD, scopes=["read", "write"], allow_http=True)
    assert mastodon.account_verify_credentials()["username"] == "alice"
    narrow = client_for(instance, client_id, secret)
    narrow.log_in("alice", PASSWORD, scopes=["read:statuses"], allow_http=True)
    bearer = {"Authorization": f"Bearer {narrow.access_token}"}
    reply = request("GET", instance.url("/api/v1/accounts/verify_credentials"), headers=bearer)
    assert reply.status == 403 and reply.json() == {"error": "This action is outside the authorized scopes"}
    with pytest.raises(MastodonIllegalArgumentError, match="invalid_grant"):
        client_for(instance, client_id, secret).log_in("alice", "wrong password", scopes=["read"], allow_http=True)
    with pytest.raises(MastodonIllegalArgumentError, match="invalid_scope"):
        client_for(instance, client_id, secret).log_in("alice", PASSWORD, scopes=["follow"], allow_http=True)


def test_password_grant__off_by_config(start_instance):
    instance = start_instance("a", api={"password_grant": False})
    instance.create_user("alice")
    client_id, secret = register(instance)
    reply = post_form(instance.url("/oauth/token"), {
        "grant_type": "password", "username": "alice", "password": PASSWORD, "client_id": client_id, "client_secret": secret,
    })
    assert reply.status == 400 and reply.json()["error"] == "unsupported_grant_type"
    metadata = request("GET", instance.url("/.well-known/oauth-authorization-server")).json()
    assert "password" not in metadata["grant_types_supported"]
    with pytest.raises(MastodonIllegalArgumentError, match="not supported"):
        client_for(instance, client_id, secret).log_in("alice", PASSWORD, allow_http=True)


def test_token__client_authentication_and_unknown_grants(instance, alice):
    client_id, secret = register(instance)
    fields = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "wrong"}
    reply = post_form(instance.url("/oauth/token"), fields)
    assert reply.status == 401 and reply.json()["error"] == "invalid_client"
    assert reply.headers["Cache-Control"] == "no-store"
    reply = post_form(instance.url("/oauth/token"), {**fields, "grant_type": "implicit", "client_secret": secret})
    assert reply.status == 400 and reply.json()["error"] == "unsupported_grant_type"
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    reply = post_form(instance.url("/oauth/token"), {"grant_type": "client_credentials"}, {"Authorization": f"Basic {basic}"})
    assert reply.status == 200 and "refresh_token" not in reply.json()


# --- the authorization code grant ------------------------------------------------------------


def test_authorization_code__sign_in_consent_redirect_and_token(instance, alice):
    client_id, secret = register(instance)
    browser = Browser()
    consent = sign_in(instance, browser, authorize_url(instance, client_id, secret, state="xyz"))
    assert "test client" in consent.text and "@alice" in consent.text
    assert "Read all your account&#39;s data" in consent.text and "Receive push notifications" in consent.text
    assert consent.headers["X-Frame-Options"] == "DENY"
    cookie = next(c for c in browser.cookies if c.name == "redfed_session")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "Lax"
    redirect = decide(instance, browser, consent)
    assert redirect.status == 302
    query = query_of(redirect)
    assert query["state"] == "xyz"
    mastodon = client_for(instance, client_id, secret)
    mastodon.log_in(code=query["code"], redirect_uri=CALLBACK, scopes=SCOPES, allow_http=True)
    assert mastodon.account_verify_credentials()["username"] == "alice"
    # Signed in now: the next authorization goes straight to the consent page...
    again = browser.open(authorize_url(instance, client_id, secret))
    assert again.status == 200 and 'name="decision"' in again.text
    # ...unless the app forces a fresh sign-in.
    forced = browser.open(authorize_url(instance, client_id, secret).replace("force_login=False", "force_login=True"))
    assert 'name="password"' in forced.text


def test_authorization_code__pkce(instance, alice):
    client_id, secret = register(instance)
    verifier, challenge = pkce_pair()

    def code() -> str:
        url = authorize_url(instance, client_id, secret, code_challenge=challenge, code_challenge_method="S256")
        return query_of(approve(instance, browser, url))["code"]

    browser = Browser()
    token_url = instance.url("/oauth/token")
    exchange = {"grant_type": "authorization_code", "redirect_uri": CALLBACK, "client_id": client_id, "client_secret": secret}
    for wrong in ({"code_verifier": pkce_pair()[0]}, {}):
        reply = post_json(token_url, {**exchange, "code": code(), **wrong})
        assert reply.status == 400 and reply.json()["error"] == "invalid_grant"
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    fields = {"grant_type": "authorization_code", "redirect_uri": CALLBACK, "code": code(), "code_verifier": verifier}
    reply = post_json(token_url, fields, {"Authorization": f"Basic {basic}"})
    assert reply.status == 200, reply.text
    token = reply.json()
    assert token["token_type"] == "Bearer" and token["scope"].split() == sorted(SCOPES) and token["refresh_token"]
    assert abs(token["created_at"] - instance.clock()) < 60
    assert api.client(instance, token=token["access_token"]).account_verify_credentials()["username"] == "alice"
    # Only S256 is offered.
    page = Browser().open(authorize_url(instance, client_id, secret, code_challenge=challenge, code_challenge_method="plain"))
    assert page.status == 400 and "S256" in page.text


def test_authorization_code__out_of_band_shows_the_code(instance, alice):
    client_id, secret = register(instance, redirect_uris="urn:ietf:wg:oauth:2.0:oob")
    browser = Browser()
    page = approve(instance, browser, authorize_url(instance, client_id, secret, redirect_uri="urn:ietf:wg:oauth:2.0:oob"))
    assert page.status == 200
    code = page.text.split('<code id="authorization-code">')[1].split("</code>")[0]
    mastodon = client_for(instance, client_id, secret)
    mastodon.log_in(code=code, scopes=SCOPES, allow_http=True)
    assert mastodon.account_verify_credentials()["username"] == "alice"


def test_authorization_code__deny_redirects_with_access_denied(instance, alice):
    client_id, secret = register(instance)
    browser = Browser()
    redirect = approve(instance, browser, authorize_url(instance, client_id, secret, state="s1"), "deny")
    assert redirect.status == 302 and query_of(redirect) == {"error": "access_denied", "state": "s1"}
    assert codes_issued(instance) == 0


def test_authorization_code__single_use_and_a_replay_revokes_the_token(instance, alice):
    client_id, secret = register(instance)
    browser = Browser()
    code = query_of(approve(instance, browser, authorize_url(instance, client_id, secret)))["code"]
    first = token_request(instance, client_id, secret, "authorization_code", code=code, redirect_uri=CALLBACK)
    assert first.status == 200
    second = token_request(instance, client_id, secret, "authorization_code", code=code, redirect_uri=CALLBACK)
    assert second.status == 400 and second.json()["error"] == "invalid_grant"
    with pytest.raises(MastodonUnauthorizedError):
        api.client(instance, token=first.json()["access_token"]).account_verify_credentials()


def test_authorization_code__expires_after_ten_minutes_and_binds_the_redirect(instance, alice):
    client_id, secret = register(instance, redirect_uris=[CALLBACK, "https://client.example/other"])
    browser = Browser()
    fields = {"grant_type": "authorization_code", "client_id": client_id, "client_secret": secret}

    def code() -> str:
        return query_of(approve(instance, browser, authorize_url(instance, client_id, secret)))["code"]

    reply = post_form(instance.url("/oauth/token"), {**fields, "code": code(), "redirect_uri": "https://client.example/other"})
    assert reply.status == 400 and reply.json()["error"] == "invalid_grant"
    late = code()
    instance.clock.advance(601)
    reply = post_form(instance.url("/oauth/token"), {**fields, "code": late, "redirect_uri": CALLBACK})
    assert reply.status == 400 and reply.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("change, message", [
    ({"client_id": "nobody"}, "unknown client"),
    ({"redirect_uri": "https://evil.example/steal"}, "redirect URI"),
    ({"scope": "read admin:write"}, "scope"),
    ({"response_type": "token"}, "response type"),
])
def test_authorize__bad_requests_get_an_error_page_not_a_redirect(instance, change, message):
    client_id, _ = register(instance)
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK, "scope": "read", **change}
    page = Browser().open(instance.url("/oauth/authorize?" + urlencode(query)))
    assert page.status == 400 and "Location" not in page.headers
    assert page.headers["Content-Type"].startswith("text/html") and message in page.text


# --- sign-in: mistakes, throttling, CSRF -----------------------------------------------------


def test_sign_in__wrong_password_unknown_user_and_disabled_account_look_alike(instance, alice):
    instance.create_user("carol")
    instance.run(accounts.set_user_disabled(instance.runtime.db, "carol", True))
    client_id, secret = register(instance)
    answers = []
    for username, password in (("alice", "wrong password"), ("nobody", PASSWORD), ("carol", PASSWORD)):
        page = sign_in(instance, Browser(), authorize_url(instance, client_id, secret), username, password)
        assert page.status == 401 and 'name="password"' in page.text
        answers.append(page.text.replace(username, "NAME").split('name="csrf_token" value="')[0])
    assert answers[0] == answers[1] == answers[2]


def test_sign_in__throttled_after_five_failures(instance, alice):
    client_id, secret = register(instance)
    url = authorize_url(instance, client_id, secret)
    browser = Browser()
    page = browser.open(url)
    for _ in range(5):
        page = browser.open(instance.url("/oauth/authorize"), {**hidden_fields(page), "username": "alice", "password": "guess"})
        assert page.status == 401
    page = browser.open(instance.url("/oauth/authorize"), {**hidden_fields(page), "username": "alice", "password": PASSWORD})
    assert page.status == 429
    instance.clock.advance(301)
    assert sign_in(instance, browser, url).status == 200


def test_sign_in__needs_the_form_csrf_token(instance, alice):
    client_id, secret = register(instance)
    browser = Browser()
    fields = hidden_fields(browser.open(authorize_url(instance, client_id, secret)))
    for token in ("", "1.deadbeef"):
        credentials = {"username": "alice", "password": PASSWORD}
        page = browser.open(instance.url("/oauth/authorize"), {**fields, "csrf_token": token, **credentials})
        assert page.status == 403
    # A form token is bound to its browser's cookie: another browser cannot replay it.
    page = Browser().open(instance.url("/oauth/authorize"), {**fields, "username": "alice", "password": PASSWORD})
    assert page.status == 403


def test_consent__needs_the_session_csrf_token(instance, alice):
    client_id, secret = register(instance)
    browser = Browser()
    consent = sign_in(instance, browser, authorize_url(instance, client_id, secret))
    fields = hidden_fields(consent)
    for token in (None, "forged"):
        forged = {k: v for k, v in fields.items() if k != "csrf_token"} | ({"csrf_token": token} if token else {})
        reply = browser.open(instance.url("/oauth/authorize"), {**forged, "decision": "authorize"})
        assert reply.status == 403 and "Location" not in reply.headers
    assert codes_issued(instance) == 0
    assert decide(instance, browser, consent).status == 302


# --- the other grants, revocation, metadata, CLI ---------------------------------------------


def test_refresh_token__rotates_the_pair(instance, alice):
    client_id, secret = register(instance, scopes=["read", "write"])
    mastodon = client_for(instance, client_id, secret)
    mastodon.log_in("alice", PASSWORD, scopes=["read", "write"], allow_http=True)
    old_token, old_refresh = mastodon.access_token, mastodon._refresh_token
    reply = token_request(instance, client_id, secret, "refresh_token", refresh_token=old_refresh, scope="read")
    assert reply.status == 200, reply.text
    fresh = reply.json()
    assert fresh["scope"] == "read" and fresh["refresh_token"] != old_refresh
    assert api.client(instance, token=fresh["access_token"]).account_verify_credentials()["username"] == "alice"
    with pytest.raises(MastodonUnauthorizedError):
        api.client(instance, token=old_token).account_verify_credentials()
    reused = token_request(instance, client_id, secret, "refresh_token", refresh_token=old_refresh, scope="read")
    assert reused.status == 400 and reused.json()["error"] == "invalid_grant"
    wider = token_request(instance, client_id, secret, "refresh_token", refresh_token=fresh["refresh_token"], scope="read write")
    assert wider.status == 400 and wider.json()["error"] == "invalid_scope"


def test_client_credentials__app_token_and_app_verify_credentials(instance, alice):
    client_id, secret = register(instance, scopes=["read", "write"])
    reply = token_request(instance, client_id, secret, "client_credentials", scope="read")
    assert reply.status == 200 and reply.json()["scope"] == "read"
    app = api.client(instance, token=reply.json()["access_token"]).app_verify_credentials()
    assert app["name"] == "test client" and app["scopes"] == ["read", "write"] and app["redirect_uris"] == [CALLBACK]
    assert "client_secret" not in app and "client_id" not in app
    mastodon = client_for(instance, client_id, secret)
    mastodon.log_in("alice", PASSWORD, scopes=["read"], allow_http=True)
    assert mastodon.app_verify_credentials()["name"] == "test client"
    with pytest.raises(MastodonUnauthorizedError):
        api.client(instance).app_verify_credentials()
    reply = token_request(instance, client_id, secret, "client_credentials", scope="follow")
    assert reply.status == 400 and reply.json()["error"] == "invalid_scope"


def test_revoke__the_token_stops_working(instance, alice):
    client_id, secret = register(instance)
    other_id, other_secret = register(instance)
    mastodon = client_for(instance, client_id, secret)
    mastodon.log_in("alice", PASSWORD, scopes=SCOPES, allow_http=True)
    token = mastodon.access_token
    revoke = instance.url("/oauth/revoke")
    wrong = post_form(revoke, {"token": token, "client_id": other_id, "client_secret": other_secret})
    assert wrong.status == 403 and wrong.json()["error"] == "unauthorized_client"
    bad_secret = post_form(revoke, {"token": token, "client_id": client_id, "client_secret": "nope"})
    assert bad_secret.status == 403
    assert mastodon.account_verify_credentials()["username"] == "alice"
    mastodon.revoke_access_token(allow_http=True)
    with pytest.raises(MastodonUnauthorizedError):
        api.client(instance, token=token).account_verify_credentials()
    unknown = post_form(revoke, {"token": "never-issued", "client_id": client_id, "client_secret": secret})
    assert unknown.status == 200 and unknown.json() == {}


def test_metadata__rfc_8414_as_mastodon_serves_it(instance):
    doc = request("GET", instance.url("/.well-known/oauth-authorization-server")).json()
    base = instance.base_url
    assert doc["issuer"] == base + "/"
    assert doc["authorization_endpoint"] == base + "/oauth/authorize"
    assert doc["token_endpoint"] == base + "/oauth/token"
    assert doc["revocation_endpoint"] == base + "/oauth/revoke"
    assert doc["app_registration_endpoint"] == base + "/api/v1/apps"
    assert doc["response_types_supported"] == ["code"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["grant_types_supported"] == ["authorization_code", "client_credentials", "refresh_token", "password"]
    assert "profile" in doc["scopes_supported"] and doc["scopes_supported"] == sorted(doc["scopes_supported"])
    assert set(doc["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}
    assert doc["service_documentation"] and doc["response_modes_supported"]
    info = Mastodon(api_base_url=base).oauth_authorization_server_info()
    assert info["token_endpoint"] == doc["token_endpoint"]


def _cli(instance, *args: str) -> subprocess.CompletedProcess:
    config_file = instance.config_file()
    return subprocess.run(
        [sys.executable, "-m", "redfed", "--config", str(config_file), "token", "create", *args],
        capture_output=True, text=True, timeout=60,
    )


def test_cli_token_create__prints_a_working_token(instance, alice):
    done = _cli(instance, "alice", "--scopes", "read")
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    mastodon = api.client(instance, token=token)
    assert mastodon.account_verify_credentials()["username"] == "alice"
    assert mastodon.app_verify_credentials()["name"] == "redfed CLI"
    assert _cli(instance, "alice").returncode == 0  # the app is reused
    missing = _cli(instance, "nobody")
    assert missing.returncode == 1 and missing.stderr.strip() == "redfed: no local user named 'nobody'"
    bad_scope = _cli(instance, "alice", "--scopes", "read everything")
    assert bad_scope.returncode == 1 and len(bad_scope.stderr.strip().splitlines()) == 1
