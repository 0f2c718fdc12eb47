"""Passkeys in headless Chromium with its virtual authenticator (a platform passkey that verifies
its user): added in settings, asked for after the password, signing in alone, each challenge
answered once, a key whose signature count went back (a clone) refused, removed with the password.

The instance is named "localhost": WebAuthn refuses an IP address as a site's identity."""

from urllib.parse import parse_qsl

from mastodon import Mastodon

from .conftest import PASSWORD, sign_in

CALLBACK = "urn:ietf:wg:oauth:2.0:oob"


def _authenticator(page) -> tuple:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
    }})
    return cdp, added["authenticatorId"]


def _stored(instance) -> list[tuple]:
    async def read():
        sql = "SELECT credential_id, sign_count, name FROM webauthn_credentials"
        async with instance.runtime.db.reader.execute(sql) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    return instance.run(read())


def _sign_out(page) -> None:
    page.context.clear_cookies()


def test_passkeys__added__second_step__alone__single_use__clone_refused__removed(start_instance, new_page):
    instance = start_instance("a", host="localhost")
    instance.create_user("alice")
    page = new_page()
    cdp, authenticator = _authenticator(page)
    sign_in(page, instance, "alice")

    # Added in settings: the browser makes the key from the server's options.
    page.goto(instance.url("/settings/two_factor"))
    page.fill("#name", "Laptop")
    page.click("#add-passkey")
    page.wait_for_url(instance.url("/settings/two_factor?saved=1"))
    assert page.locator(".settings-item-title", has_text="Laptop").count() == 1
    [(_id, _count, name)] = _stored(instance)
    assert name == "Laptop"

    # The password is no longer enough: the key is asked for next.
    _sign_out(page)
    page.goto(instance.url("/auth/sign_in"))
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#use-security-key")
    assert page.url == instance.url("/auth/sign_in")
    page.click("#use-security-key")
    page.wait_for_url(instance.url("/home"))

    # A passkey alone signs in (it verified its holder); its answer cannot be sent twice.
    _sign_out(page)
    page.goto(instance.url("/auth/sign_in"))
    with page.expect_request(lambda r: r.url.endswith("/auth/sign_in/passkey")) as sent:
        page.click("#sign-in-with-passkey")
    page.wait_for_url(instance.url("/home"))
    answer = dict(parse_qsl(sent.value.post_data))
    _sign_out(page)
    page.goto(instance.url("/auth/sign_in"))
    fresh_token = page.locator("form.passkey-form input[name=csrf_token]").get_attribute("value")
    replayed = page.request.post(instance.url("/auth/sign_in/passkey"), form={**answer, "csrf_token": fresh_token}, max_redirects=0)
    assert replayed.status == 401 and "That passkey was not accepted." in replayed.text()
    [held] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert _stored(instance)[0][1] == held["signCount"] >= 2

    # A copy of the key whose count went back is refused.
    cdp.send("WebAuthn.removeCredential", {"authenticatorId": authenticator, "credentialId": held["credentialId"]})
    cdp.send("WebAuthn.addCredential", {"authenticatorId": authenticator, "credential": {**held, "signCount": 1}})
    page.goto(instance.url("/auth/sign_in"))
    page.click("#sign-in-with-passkey")
    page.wait_for_selector("p.alert[role=alert]")
    assert "That passkey was not accepted." in page.text_content("p.alert")
    assert page.url == instance.url("/auth/sign_in/passkey")

    # The OAuth sign-in page asks for the key too (the real key again, its count ahead).
    cdp.send("WebAuthn.removeCredential", {"authenticatorId": authenticator, "credentialId": held["credentialId"]})
    cdp.send("WebAuthn.addCredential", {"authenticatorId": authenticator, "credential": {**held, "signCount": held["signCount"] + 5}})
    client_id, secret = Mastodon.create_app("test client", scopes=["read"], redirect_uris=CALLBACK, api_base_url=instance.base_url)
    page.goto(Mastodon(client_id=client_id, client_secret=secret, api_base_url=instance.base_url).auth_request_url(
        redirect_uris=CALLBACK, scopes=["read"], allow_http=True))
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/oauth/authorize'] button[type=submit]")
    page.click("#use-security-key")
    page.wait_for_selector("button[name=decision][value=authorize]")

    # Removing the key needs the password; then the password alone signs in again.
    page.goto(instance.url("/settings/two_factor"))
    page.fill("#password-1", "not it")
    page.click(".settings-item form button[type=submit]")
    page.wait_for_selector(".field-error, .alert")
    assert len(_stored(instance)) == 1
    page.fill("#password-1", PASSWORD)
    page.click(".settings-item form button[type=submit]")
    page.wait_for_url(instance.url("/settings/two_factor?saved=1"))
    assert _stored(instance) == []
    _sign_out(page)
    sign_in(page, instance, "alice")
