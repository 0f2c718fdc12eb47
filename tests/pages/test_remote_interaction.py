"""Following and interacting from another server: a visitor on one instance's profile names their
account on another, is sent to that server's /authorize_interaction, follows, and the first
instance's user gains the follower. Then the form's refusals over plain HTTP, against a hostile
WebFinger server: bad handles, forged forms, private addresses, missing or unusable links."""

import html
import re
from urllib.parse import quote, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from redfed.services.social import posts

from ..support.hostile import HostileServer
from ..support.http import get
from .conftest import PASSWORD, screenshot
from .test_forms import Browser

JRD = "application/jrd+json"
FOLLOW_INTENT = "https://w3id.org/fep/3b86/Follow"
OBJECT_INTENT = "https://w3id.org/fep/3b86/Object"
SUBSCRIBE = "http://ostatus.org/schema/1.0/subscribe"


@pytest.fixture
def hostile():
    server = HostileServer().start()
    yield server
    server.stop()


def _rows(instance, sql: str, *params) -> list[tuple]:
    async def read():
        async with instance.runtime.db.reader.execute(sql, params) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    return instance.run(read())


def test_visitor_follows_from_their_own_server__the_profile_owner_gains_the_follower(start_instance, new_page):
    home = start_instance("a")  # where the visitor has an account
    away = start_instance("b")  # the profile they are looking at
    home.create_user("alice")
    bob = away.create_user("bob").actor

    page = new_page(width=360, height=780)
    page.goto(away.url("/@bob"))
    page.click("summary:has-text('Follow from another server')")
    page.fill("input[name=handle]", f"alice@{home.domain}")
    screenshot(page, "remote-follow-360")
    page.click(".remote-form button[type=submit]")

    # At her own server, which asks her to sign in first and then brings her back.
    page.wait_for_url(re.compile(re.escape(home.url("/auth/sign_in")) + r"\?next="))
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(home.url("/authorize_interaction?uri=" + quote(bob.uri, safe="")))
    expect(page.locator(".account-card")).to_contain_text(f"@bob@{away.domain}")
    page.click(".account-card button:has-text('Follow')")
    expect(page.locator(".account-card button")).to_have_text(re.compile("Cancel follow request|Unfollow"))
    screenshot(page, "authorize-follow-360")

    home.drain()  # the Follow goes out
    away.drain()  # bob's server accepts it
    home.drain()  # and the Accept comes back
    assert _rows(away, "SELECT state FROM follows WHERE followee_id = ?", bob.id) == [("accepted",)]
    page.reload()
    expect(page.locator(".account-card button")).to_have_text("Unfollow")
    page.goto(away.url("/@bob"))
    expect(page.locator(".profile-counts")).to_contain_text("1 follower")
    assert page.dialogs == []


def test_interact_with_a_post_from_another_server__like_and_reply_reach_the_author(start_instance, new_page):
    home = start_instance("a")
    away = start_instance("b")
    home.create_user("alice")
    bob = away.create_user("bob").actor
    wide = new_page(width=1440, height=900)
    wide.goto(away.url("/auth/sign_in"))
    wide.fill("#username", "bob")
    wide.fill("#password", PASSWORD)
    wide.click("form.form button[type=submit]")
    wide.goto(away.url("/compose"))
    wide.fill("#text", "Fresh bread today")
    wide.click("form.form button[type=submit]")
    wide.wait_for_url(away.url("/@bob"))
    post_id = _rows(away, "SELECT id FROM posts WHERE actor_id = ?", bob.id)[0][0]

    page = new_page()
    page.goto(away.url(f"/@bob/{post_id}"))
    page.click("summary:has-text('from your own server')")
    page.fill("input[name=handle]", f"@alice@{home.domain}")
    page.click(".remote-form button[type=submit]")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(home.url("/authorize_interaction?uri="))))
    card = page.locator(".post-card", has_text="Fresh bread today")
    card.locator("button", has_text="Like").click()
    expect(page.locator(".post-card button", has_text="Like")).to_have_attribute("aria-pressed", "true")
    page.locator(".post-card a", has_text="Reply").click()
    expect(page.locator("#text")).to_have_value(f"@bob@{away.domain} ")
    page.fill("#text", f"@bob@{away.domain} Smells great from here")
    page.click("form.form button[type=submit]")
    page.wait_for_url(home.url("/@alice"))
    home.drain()
    away.drain()

    wide.goto(away.url("/notifications"))
    # In the order bob's server processed them, which need not be the order they were sent.
    expect(wide.locator(".notice")).to_have_count(2)
    expect(wide.locator(".notice", has_text="alice mentioned you")).to_contain_text("Smells great from here")
    expect(wide.locator(".notice", has_text="alice liked your post")).to_contain_text("Fresh bread today")
    wide.goto(away.url(f"/@bob/{post_id}"))
    expect(wide.locator(".replies")).to_contain_text("Smells great from here")
    screenshot(wide, "remote-reply-1440")


# Over plain HTTP: the redirect and every refusal -------------------------------------------


def _form(browser: Browser, instance, path: str = "/@bob") -> dict:
    page = browser.open(instance.url(path))
    assert page.status == 200
    text = page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', text.split('class="remote-form"', 1)[1])[1]
    uri = re.search(r'name="uri" value="([^"]+)"', text)[1]
    kind = re.search(r'name="kind" value="([^"]+)"', text)[1]
    return {"csrf_token": token, "uri": html.unescape(uri), "kind": kind}


def _destination(reply) -> str:
    """Where the page sends the visitor: its refresh and its link name the same place."""
    assert reply.status == 200
    link = html.unescape(re.search(r'id="continue" href="([^"]+)"', reply.text)[1])
    assert f'content="0; url={html.escape(link)}"' in reply.text
    return link


def _serve_jrd(hostile: HostileServer, links: list[dict]) -> None:
    hostile.serve("/.well-known/webfinger", {"subject": f"acct:carol@{hostile.domain}", "links": links}, content_type=JRD)


def test_remote_form__prefers_the_fep_3b86_intent_and_falls_back_to_subscribe(instance, hostile):
    bob = instance.create_user("bob").actor
    browser = Browser()
    fields = _form(browser, instance)
    assert fields == {**fields, "uri": bob.uri, "kind": "follow"}
    _serve_jrd(hostile, [
        {"rel": SUBSCRIBE, "template": hostile.url("/authorize_interaction?uri={uri}")},
        {"rel": FOLLOW_INTENT, "template": hostile.url("/intents/follow?id={object}&back={on-success}")},
    ])
    reply = browser.open(instance.url("/remote_interaction"), {**fields, "handle": f"carol@{hostile.domain}"})
    assert _destination(reply) == hostile.url("/intents/follow?id=" + quote(bob.uri, safe="") + "&back=")
    assert urlsplit(hostile.requests("/.well-known/webfinger")[0].path).path == "/.well-known/webfinger"

    _serve_jrd(hostile, [{"rel": SUBSCRIBE, "template": hostile.url("/authorize_interaction?uri={uri}")}])
    reply = browser.open(instance.url("/remote_interaction"), {**fields, "handle": f"acct:carol@{hostile.domain}"})
    assert _destination(reply) == hostile.url("/authorize_interaction?uri=" + quote(bob.uri, safe=""))


def test_remote_form__an_account_of_this_server_goes_straight_to_our_own_page(instance, hostile):
    bob = instance.create_user("bob").actor
    instance.create_user("alice")
    browser = Browser()
    fields = _form(browser, instance)
    reply = browser.open(instance.url("/remote_interaction"), {**fields, "handle": f"ALICE@{instance.domain}"})
    assert _destination(reply) == instance.url("/authorize_interaction?uri=" + quote(bob.uri, safe=""))
    assert hostile.requests() == []


@pytest.mark.parametrize("links, problem", [
    ([], "does not say where"),
    ([{"rel": OBJECT_INTENT, "template": "javascript:alert(1)//{object}"}], "does not say where"),
    ([{"rel": SUBSCRIBE, "href": "https://no.template.example/"}], "does not say where"),
])
def test_remote_form__a_server_without_a_usable_link_is_a_clear_error(instance, hostile, links, problem):
    alice = instance.create_user("alice").actor
    post = instance.run(posts.create_local_post(instance.ctx, alice, "hello"))
    browser = Browser()
    fields = _form(browser, instance, f"/@alice/{post.id}")
    assert fields["kind"] == "object" and fields["uri"] == post.uri
    _serve_jrd(hostile, links)
    reply = browser.open(instance.url("/remote_interaction"), {**fields, "handle": f"carol@{hostile.domain}"})
    assert reply.status == 422
    assert problem in reply.text
    assert f'value="carol@{hostile.domain}"' in reply.text  # the form again, as it was filled


@pytest.mark.parametrize("handle", ["carol", "carol@", "@", "carol@bad/host", "<script>@x.example", "x" * 400])
def test_remote_form__a_bad_handle_is_refused_without_any_lookup(instance, hostile, handle):
    instance.create_user("bob")
    browser = Browser()
    fields = _form(browser, instance)
    reply = browser.open(instance.url("/remote_interaction"), {**fields, "handle": handle})
    assert reply.status == 400
    assert "Enter your address as user@server" in reply.text
    assert "<script>@" not in reply.text
    assert hostile.requests() == []


def test_remote_form__forged_or_missing_tokens_are_refused(instance, hostile):
    instance.create_user("bob")
    _serve_jrd(hostile, [{"rel": SUBSCRIBE, "template": hostile.url("/go?uri={uri}")}])
    browser = Browser()
    fields = _form(browser, instance)
    handle = f"carol@{hostile.domain}"
    assert browser.open(instance.url("/remote_interaction"), {**fields, "csrf_token": "1.forged", "handle": handle}).status == 403
    # A token without the cookie it was made for (another browser, a cross-site form).
    stranger = Browser()
    reply = stranger.open(instance.url("/remote_interaction"), {**fields, "handle": handle})
    assert reply.status == 403 and "This form has expired" in reply.text
    assert hostile.requests() == []
    # Only our own accounts and posts can be the object.
    elsewhere = {**fields, "uri": "https://evil.example/users/x", "handle": handle}
    assert browser.open(instance.url("/remote_interaction"), elsewhere).status == 400
    assert hostile.requests() == []


def test_remote_form__a_server_on_a_private_address_is_refused_unless_allowed(start_instance, hostile):
    instance = start_instance("strict", federation={"allow_private_addresses": False, "allow_http": True})
    instance.create_user("bob")
    _serve_jrd(hostile, [{"rel": SUBSCRIBE, "template": hostile.url("/go?uri={uri}")}])
    browser = Browser()
    fields = _form(browser, instance)
    reply = browser.open(instance.url("/remote_interaction"), {**fields, "handle": f"carol@{hostile.domain}"})
    assert reply.status == 502
    assert f"We could not look up carol@{hostile.domain}" in reply.text
    assert hostile.requests() == []


def test_authorize_interaction__signs_in_first_and_finds_nothing_for_unknown_uris(instance):
    instance.create_user("alice")
    target = "/authorize_interaction?" + urlencode({"uri": "https://nowhere.invalid/users/x"})
    browser = Browser()
    reply = browser.open(instance.url(target))
    assert reply.status == 303
    assert reply.headers["Location"] == "/auth/sign_in?" + urlencode({"next": target})
    assert browser.sign_in(instance, "alice", next_path=target).headers["Location"] == target
    for uri in ("https://nowhere.invalid/users/x", "not a uri", "", "acct:nobody@" + instance.domain):
        reply = browser.open(instance.url("/authorize_interaction?" + urlencode({"uri": uri})))
        assert reply.status == 404
        assert "We could not find that account or post." in reply.text


def test_webfinger__publishes_the_subscribe_template_and_fep_3b86_intents(instance):
    instance.create_user("alice")
    jrd = get(instance.url(f"/.well-known/webfinger?resource=acct:alice@{instance.domain}")).json()
    links = {link["rel"]: link for link in jrd["links"]}
    assert links[SUBSCRIBE]["template"] == instance.url("/authorize_interaction?uri={uri}")
    for intent in ("Follow", "Object", "Like", "Announce"):
        assert links[f"https://w3id.org/fep/3b86/{intent}"]["template"] == instance.url("/authorize_interaction?uri={object}")
    create = links["https://w3id.org/fep/3b86/Create"]["template"]
    assert create == instance.url("/compose?text={content}&in_reply_to_uri={inReplyTo}")


def test_create_intent__fills_in_a_reply_to_a_post_on_another_server(start_instance):
    home = start_instance("a")
    away = start_instance("b")
    home.create_user("alice")
    bob = away.create_user("bob").actor
    post = away.run(posts.create_local_post(away.ctx, bob, "Fresh bread today"))
    browser = Browser()
    browser.sign_in(home, "alice")
    intent = home.url("/compose?" + urlencode({"text": "Looks <b>good</b>", "in_reply_to_uri": post.uri}))
    page = browser.open(intent)
    assert page.status == 200
    assert "Fresh bread today" in page.text  # the post replied to, fetched from bob's server
    assert f"@bob@{away.domain} Looks &lt;b&gt;good&lt;/b&gt;</textarea>" in page.text
    reply_to = re.search(r'name="in_reply_to" value="(\d+)"', page.text)[1]
    assert _rows(home, "SELECT uri FROM posts WHERE id = ?", int(reply_to)) == [(post.uri,)]
    # An address with nothing behind it leaves a plain new post.
    page = browser.open(home.url("/compose?" + urlencode({"text": "hi", "in_reply_to_uri": "https://nowhere.invalid/x"})))
    assert page.status == 200 and 'name="in_reply_to"' not in page.text and "hi</textarea>" in page.text
