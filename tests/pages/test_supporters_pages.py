"""The supporters settings page over plain HTTP: a creator adds and removes tiers, grants and
revokes support by handle; a wrong field stores nothing, a forged token is refused; the page
speaks the visitor's language."""

from ..api.test_listings_api import call
from ..support import api
from .test_settings_forms import Visitor, _rows

PATH = "/settings/supporters"
TIER = {"name": "Sketchbook", "description": "Monthly scans", "price": "3 € a month", "url": "https://ko-fi.com/alice"}


def test_supporters_page__tiers_and_grants_by_hand(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    visitor = Visitor(instance, "alice")
    assert "No tiers yet." in visitor.get(PATH).text

    assert visitor.post(f"{PATH}/tiers", {"csrf_token": "forged", **TIER}).status_code == 403
    bad = visitor.send(f"{PATH}/tiers", TIER | {"url": "javascript:alert(1)"})
    assert bad.status_code == 422 and "payment page" in bad.text and 'value="Monthly scans"' in bad.text
    assert _rows(instance, "SELECT count(*) FROM support_tiers") == [(0,)]
    assert visitor.send(f"{PATH}/tiers", TIER).headers["Location"] == f"{PATH}?saved=1"
    [(tier_id,)] = _rows(instance, "SELECT id FROM support_tiers")

    assert visitor.send(f"{PATH}/grants", {"handle": "nobody", "tier_id": ""}).status_code == 422
    assert visitor.send(f"{PATH}/grants", {"handle": "bob", "tier_id": str(tier_id)}).status_code == 303
    page = visitor.get(PATH).text
    assert "@bob@" in page and "Until revoked" in page and "3 € a month" in page
    token = api.token_for(instance, "alice")
    [grant] = call(instance, "GET", "/api/v1/redfed/supporters", token).json()
    assert grant["tier"]["id"] == str(tier_id)

    bob_id = instance.actor("bob").id
    assert visitor.send(f"{PATH}/grants/{bob_id}/revoke").status_code == 303
    assert visitor.send(f"{PATH}/grants/{bob_id}/revoke").status_code == 404
    assert visitor.send(f"{PATH}/tiers/{tier_id}/delete").status_code == 303
    assert _rows(instance, "SELECT count(*) FROM support_tiers") == [(0,)]
    assert call(instance, "GET", "/api/v1/redfed/supporters", token).json() == []

    assert visitor.send("/settings/preferences", {"locale": "zh_Hans", "visibility": "public", "language": ""}).status_code == 303
    chinese = visitor.get(PATH).text
    assert "支持档位" in chinese and "还没有支持者。" in chinese
