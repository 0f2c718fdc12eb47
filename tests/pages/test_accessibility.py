"""Every page passes the axe-core audit with no serious or critical violation, for a visitor and for
a signed-in user, in English and in Chinese, on a phone and on a wide screen.

axe-core (the engine behind Lighthouse's and Deque's audits) comes bundled in the
axe-playwright-python package and is evaluated through the DevTools protocol, which the pages'
`script-src 'none'` does not govern."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from redfed.services.groups import groups
from redfed.services.moderation import reports
from redfed.services.moderation.reports import ReportForm
from redfed.services.shop import listings
from redfed.services.social import follows, posts

from .conftest import sign_in

SERIOUS = {"serious", "critical"}
VISITOR_PAGES = [
    "/", "/explore", "/explore?scope=federated", "/@alice", "/@alice?tab=media", "/@alice/{post}", "/@alice/shop",
    "{listing}", "/tags/tea", "/search?q=tea", "/about", "/auth/sign_in", "/auth/sign_up", "/@nobody", "/@teahouse",
]
SIGNED_IN_PAGES = [
    "/home", "/compose", "/compose?in_reply_to={post}", "/@alice", "/@alice/{post}", "{listing}", "/@alice/shop",
    "/tags/tea", "/search?q=tea", "/notifications", "/follow_requests", "/deals",
    "/settings/profile", "/settings/preferences", "/settings/password", "/settings/two_factor", "/settings/sessions",
    "/settings/apps", "/settings/export", "/settings/import", "/settings/aliases", "/settings/migration",
    "/report?account={alice_id}&post={post}", "/report/sent",
    "/@teahouse", "/@teahouse/group/edit", "/groups/new", "/settings/groups",
]
ADMIN_PAGES = [
    "/admin/dashboard", "/admin/accounts", "/admin/sign_ups", "/admin/invites", "/admin/domain_blocks", "/admin/settings",
    "/admin/reports", "/admin/reports?state=resolved", "/admin/reports/{report}", "/admin/log",
]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def published(instance) -> dict:
    """alice with a post carrying a hashtag, a content warning and a reply, and a listing in her
    shop, followed by bob (so his home feed shows them), who reported her post and runs a group;
    what the page paths name."""
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    instance.create_user("ada", is_admin=True)
    instance.run(follows.follow(instance.ctx, bob, alice))
    post = instance.run(posts.create_local_post(instance.ctx, alice, "Tea tasting in Hangzhou #tea 龙井", summary="long read"))
    instance.run(posts.create_local_post(instance.ctx, alice, "Second round", in_reply_to=post))
    tea = {"title": "Longjing tea, 250 g", "price_amount": "88", "price_currency": "CNY", "quantity": "5", "condition": "new"}
    listing, _carrier = instance.run(listings.create_listing(instance.ctx, alice, tea, "Picked in April #tea"))
    report = instance.run(reports.file_report(instance.ctx, bob, ReportForm(alice.id, [post.id], comment="too much tea")))
    instance.run(groups.create(instance.ctx, bob, "teahouse", display_name="Tea house", rules="Be kind", members_visible=True))
    return {
        "post": post.id, "listing": listing.proposal_uri.removeprefix(instance.url("")), "alice_id": alice.id,
        "report": report.report.id,
    }


def serious_violations(axe, page) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"] if v["impact"] in SERIOUS
    ]


def audit(axe, page, instance, paths: list[str], names: dict) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        path = path.format(**names)
        response = page.goto(instance.url(path))
        assert response.status < 500, path
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
    # Two posts and the listing's post.
    assert page.locator(".post-card").count() == 3, "the audit of home should see post cards"
    assert audit(axe, page, instance, SIGNED_IN_PAGES, published) == {}


def test_admin_pages__have_no_serious_violations(instance, new_page, axe, published):
    page = new_page(width=1440)
    sign_in(page, instance, "ada")
    assert audit(axe, page, instance, ADMIN_PAGES, published) == {}
    page = new_page(width=360, locale="zh-CN")
    sign_in(page, instance, "ada")
    assert audit(axe, page, instance, ADMIN_PAGES, published) == {}


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
