"""Every page passes the axe-core audit with no serious or critical violation, for a visitor and for
a signed-in user, in English and in Chinese, on a phone and on a wide screen.

axe-core (the engine behind Lighthouse's and Deque's audits) comes bundled in the
axe-playwright-python package and is evaluated through the DevTools protocol, which the pages'
`script-src 'none'` does not govern."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from redfed.services import follows, posts

from .conftest import sign_in

SERIOUS = {"serious", "critical"}
VISITOR_PAGES = ["/", "/explore", "/explore?scope=federated", "/@alice", "/@alice?tab=media", "/@alice/{post}",
                 "/auth/sign_in", "/auth/sign_up", "/@nobody"]
SIGNED_IN_PAGES = ["/home", "/compose", "/compose?in_reply_to={post}", "/@alice", "/@alice/{post}"]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def published(instance):
    """alice with a post carrying a hashtag, a content warning and a reply, followed by bob (so his
    home feed shows them); the post's id."""
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    instance.run(follows.follow(instance.ctx, bob, alice))
    post = instance.run(posts.create_local_post(instance.ctx, alice, "Tea tasting in Hangzhou #tea 龙井", summary="long read"))
    instance.run(posts.create_local_post(instance.ctx, alice, "Second round", in_reply_to=post))
    return post.id


def serious_violations(axe, page) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"] if v["impact"] in SERIOUS
    ]


def audit(axe, page, instance, paths: list[str], post_id: int) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        path = path.format(post=post_id)
        page.goto(instance.url(path))
        if violations := serious_violations(axe, page):
            found[path] = violations
    return found


@pytest.mark.parametrize("width,locale", [(360, "en-US"), (1440, "zh-CN")])
def test_pages_for_a_visitor__have_no_serious_violations(instance, new_page, axe, published, width, locale):
    page = new_page(width=width, locale=locale)
    assert audit(axe, page, instance, VISITOR_PAGES, published) == {}


@pytest.mark.parametrize("width,locale", [(1440, "en-US"), (360, "zh-CN")])
def test_pages_for_a_signed_in_user__have_no_serious_violations(instance, new_page, axe, published, width, locale):
    page = new_page(width=width, locale=locale)
    sign_in(page, instance, "bob")
    assert page.locator(".post-card").count() == 2, "the audit of home should see post cards"
    assert audit(axe, page, instance, SIGNED_IN_PAGES, published) == {}


def test_the_audit_catches_a_serious_violation(instance, new_page, axe):
    """The audit is not vacuous: an image without alt text and an unlabelled field are caught."""
    page = new_page()
    page.goto(instance.url("/"))
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = '/static/avatar.png';
        const input = document.createElement('input'); input.type = 'text';
        document.querySelector('main').append(img, input);
    }""")
    found = " ".join(serious_violations(axe, page))
    assert "image-alt" in found and "label" in found
