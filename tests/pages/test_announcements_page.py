"""Announcements on the home page, over plain HTTP: shown to the signed-in reader until dismissed."""

from redfed.services.announcements import announcements

from .test_forms import Browser
from .test_post_forms import _token


def test_home__shows_announcements_until_dismissed(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    now = int(instance.clock() * 1000)
    published = instance.run(announcements.publish(instance.runtime.db, "Oven <b>repairs</b> on Friday", now))
    browser = Browser()
    browser.sign_in(instance, "alice")
    home = browser.open(instance.url("/home"))
    assert "Oven &lt;b&gt;repairs&lt;/b&gt; on Friday" in home.text

    forged = browser.open(instance.url(f"/announcements/{published.id}/dismiss"), {"csrf_token": "forged"})
    assert forged.status == 403
    dismissed = browser.open(instance.url(f"/announcements/{published.id}/dismiss"), {"csrf_token": _token(home.text)})
    assert dismissed.status == 303 and dismissed.headers["Location"] == "/home"
    assert "Oven" not in browser.open(instance.url("/home")).text

    other = Browser()
    other.sign_in(instance, "bob")
    assert "Oven &lt;b&gt;repairs&lt;/b&gt; on Friday" in other.open(instance.url("/home")).text
