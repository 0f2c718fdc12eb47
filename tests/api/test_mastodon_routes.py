"""The client routes of Mastodon 4.3's API (config/routes/api.rb, the admin namespace aside) are
all here, which is what the version string in the instance entities claims; and the small ones
with little to do answer as Mastodon does."""

import pytest
from mastodon import MastodonAPIError
from werkzeug.exceptions import HTTPException

from redfed.services.social import posts

from ..support import api
from ..support.http import get

X = "1"  # any id
CLIENT_ROUTES = [
    ("GET", "/api/oembed"),
    *[(m, f"/api/v1/statuses{p}") for m, p in [
        ("GET", ""), ("POST", ""), ("GET", f"/{X}"), ("PUT", f"/{X}"), ("DELETE", f"/{X}"), ("GET", f"/{X}/context"),
        ("GET", f"/{X}/reblogged_by"), ("GET", f"/{X}/favourited_by"), ("POST", f"/{X}/reblog"), ("POST", f"/{X}/unreblog"),
        ("POST", f"/{X}/favourite"), ("POST", f"/{X}/unfavourite"), ("POST", f"/{X}/bookmark"), ("POST", f"/{X}/unbookmark"),
        ("POST", f"/{X}/mute"), ("POST", f"/{X}/unmute"), ("POST", f"/{X}/pin"), ("POST", f"/{X}/unpin"),
        ("GET", f"/{X}/history"), ("GET", f"/{X}/source"), ("POST", f"/{X}/translate")]],
    ("GET", "/api/v1/timelines/home"), ("GET", "/api/v1/timelines/public"), ("GET", "/api/v1/timelines/tag/bread"),
    ("GET", f"/api/v1/timelines/list/{X}"), ("GET", "/api/v1/streaming"), ("GET", "/api/v1/streaming/user"),
    ("GET", "/api/v1/custom_emojis"), ("GET", "/api/v1/suggestions"), ("DELETE", f"/api/v1/suggestions/{X}"),
    ("GET", "/api/v1/scheduled_statuses"), ("GET", f"/api/v1/scheduled_statuses/{X}"), ("PUT", f"/api/v1/scheduled_statuses/{X}"),
    ("DELETE", f"/api/v1/scheduled_statuses/{X}"), ("GET", "/api/v1/preferences"), ("GET", "/api/v1/annual_reports"),
    ("GET", "/api/v1/announcements"), ("POST", f"/api/v1/announcements/{X}/dismiss"),
    ("PUT", f"/api/v1/announcements/{X}/reactions/tea"), ("DELETE", f"/api/v1/announcements/{X}/reactions/tea"),
    ("GET", "/api/v1/conversations"), ("DELETE", f"/api/v1/conversations/{X}"), ("POST", f"/api/v1/conversations/{X}/read"),
    ("POST", f"/api/v1/conversations/{X}/unread"),
    ("POST", "/api/v1/media"), ("PUT", f"/api/v1/media/{X}"), ("GET", f"/api/v1/media/{X}"),
    ("GET", "/api/v1/blocks"), ("GET", "/api/v1/mutes"), ("GET", "/api/v1/favourites"), ("GET", "/api/v1/bookmarks"),
    ("POST", "/api/v1/reports"), ("GET", "/api/v1/trends"), ("GET", "/api/v1/trends/tags"), ("GET", "/api/v1/trends/links"),
    ("GET", "/api/v1/trends/statuses"),
    ("GET", "/api/v1/filters"), ("POST", "/api/v1/filters"), ("GET", f"/api/v1/filters/{X}"), ("PUT", f"/api/v1/filters/{X}"),
    ("DELETE", f"/api/v1/filters/{X}"), ("GET", "/api/v1/endorsements"), ("GET", "/api/v1/markers"), ("POST", "/api/v1/markers"),
    ("DELETE", "/api/v1/profile/avatar"), ("DELETE", "/api/v1/profile/header"),
    ("GET", "/api/v1/apps/verify_credentials"), ("POST", "/api/v1/apps"),
    ("POST", "/api/v1/emails/confirmations"), ("GET", "/api/v1/emails/check_confirmation"),
    *[("GET", f"/api/v1/instance{p}") for p in ["", "/peers", "/rules", "/domain_blocks", "/privacy_policy",
                                                 "/extended_description", "/translation_languages", "/languages", "/activity"]],
    ("GET", "/api/v1/peers/search"),
    ("GET", "/api/v1/domain_blocks"), ("POST", "/api/v1/domain_blocks"), ("DELETE", "/api/v1/domain_blocks"),
    ("GET", "/api/v1/directory"), ("GET", "/api/v1/follow_requests"), ("POST", f"/api/v1/follow_requests/{X}/authorize"),
    ("POST", f"/api/v1/follow_requests/{X}/reject"),
    ("GET", "/api/v1/notifications/requests"), ("GET", f"/api/v1/notifications/requests/{X}"),
    ("POST", f"/api/v1/notifications/requests/{X}/accept"), ("POST", f"/api/v1/notifications/requests/{X}/dismiss"),
    ("POST", "/api/v1/notifications/requests/accept"), ("POST", "/api/v1/notifications/requests/dismiss"),
    ("GET", "/api/v1/notifications/requests/merged"), ("GET", "/api/v1/notifications/policy"), ("PUT", "/api/v1/notifications/policy"),
    ("GET", "/api/v1/notifications"), ("GET", f"/api/v1/notifications/{X}"), ("POST", "/api/v1/notifications/clear"),
    ("POST", f"/api/v1/notifications/{X}/dismiss"), ("GET", "/api/v1/notifications/unread_count"),
    ("GET", "/api/v1/accounts/verify_credentials"), ("PATCH", "/api/v1/accounts/update_credentials"),
    ("GET", "/api/v1/accounts/search"), ("GET", "/api/v1/accounts/lookup"), ("GET", "/api/v1/accounts/relationships"),
    ("GET", "/api/v1/accounts/familiar_followers"), ("GET", "/api/v1/accounts"), ("POST", "/api/v1/accounts"),
    *[(m, f"/api/v1/accounts/{X}{p}") for m, p in [
        ("GET", ""), ("GET", "/statuses"), ("GET", "/followers"), ("GET", "/following"), ("GET", "/lists"),
        ("GET", "/identity_proofs"), ("GET", "/featured_tags"), ("GET", "/endorsements"), ("POST", "/follow"),
        ("POST", "/unfollow"), ("POST", "/remove_from_followers"), ("POST", "/block"), ("POST", "/unblock"), ("POST", "/mute"),
        ("POST", "/unmute"), ("POST", "/pin"), ("POST", "/unpin"), ("POST", "/endorse"), ("POST", "/unendorse"), ("POST", "/note")]],
    ("GET", "/api/v1/tags/bread"), ("POST", "/api/v1/tags/bread/follow"), ("POST", "/api/v1/tags/bread/unfollow"),
    ("POST", "/api/v1/tags/bread/feature"), ("POST", "/api/v1/tags/bread/unfeature"), ("GET", "/api/v1/followed_tags"),
    ("GET", "/api/v1/lists"), ("POST", "/api/v1/lists"), ("GET", f"/api/v1/lists/{X}"), ("PUT", f"/api/v1/lists/{X}"),
    ("DELETE", f"/api/v1/lists/{X}"), ("GET", f"/api/v1/lists/{X}/accounts"), ("POST", f"/api/v1/lists/{X}/accounts"),
    ("DELETE", f"/api/v1/lists/{X}/accounts"), ("GET", "/api/v1/featured_tags/suggestions"), ("GET", "/api/v1/featured_tags"),
    ("POST", "/api/v1/featured_tags"), ("DELETE", f"/api/v1/featured_tags/{X}"), ("GET", f"/api/v1/polls/{X}"),
    ("POST", f"/api/v1/polls/{X}/votes"), ("POST", "/api/v1/push/subscription"), ("GET", "/api/v1/push/subscription"),
    ("PUT", "/api/v1/push/subscription"), ("DELETE", "/api/v1/push/subscription"),
    ("GET", "/api/v2/search"), ("POST", "/api/v2/media"), ("GET", "/api/v2/suggestions"), ("GET", "/api/v2/instance"),
    ("GET", "/api/v2/filters"), ("POST", "/api/v2/filters"), ("GET", f"/api/v2/filters/{X}"), ("PUT", f"/api/v2/filters/{X}"),
    ("DELETE", f"/api/v2/filters/{X}"), ("GET", f"/api/v2/filters/{X}/keywords"), ("POST", f"/api/v2/filters/{X}/keywords"),
    ("GET", f"/api/v2/filters/{X}/statuses"), ("POST", f"/api/v2/filters/{X}/statuses"),
    ("GET", f"/api/v2/filters/keywords/{X}"), ("PUT", f"/api/v2/filters/keywords/{X}"), ("DELETE", f"/api/v2/filters/keywords/{X}"),
    ("GET", f"/api/v2/filters/statuses/{X}"), ("DELETE", f"/api/v2/filters/statuses/{X}"),
    ("GET", "/api/v2/notifications"), ("GET", "/api/v2/notifications/ungrouped-1"), ("GET", "/api/v2/notifications/ungrouped-1/accounts"),
    ("POST", "/api/v2/notifications/ungrouped-1/dismiss"), ("GET", "/api/v2/notifications/unread_count"),
    ("GET", "/api/v2/notifications/policy"), ("PATCH", "/api/v2/notifications/policy"),
    ("POST", "/oauth/token"), ("POST", "/oauth/revoke"), ("GET", "/oauth/authorize"), ("GET", "/.well-known/oauth-authorization-server"),
]


def test_every_client_route_of_mastodon_4_3__is_here(instance):
    routes = instance.app.url_map.bind("localhost")

    def found(method: str, path: str, websocket: bool) -> bool:
        try:
            routes.match(path, method=method, websocket=websocket)
        except HTTPException:
            return False
        return True

    # /api/v1/streaming is the WebSocket route, the others plain HTTP.
    assert [(m, p) for m, p in CLIENT_ROUTES if not (found(m, p, False) or found(m, p, True))] == []


def test_the_small_routes__answer_as_mastodon(instance):
    alice = instance.create_user("alice").actor
    post = instance.run(posts.create_local_post(instance.ctx, alice, "sourdough at dawn"))
    client = api.client(instance, "alice")
    policy = get(instance.url("/api/v1/instance/privacy_policy")).json()
    assert policy["updated_at"] and "What other servers receive" in policy["content"]
    assert "What other servers receive" in get(instance.url("/privacy-policy")).body.decode()
    assert {"code": "ja", "name": "Japanese"} in get(instance.url("/api/v1/instance/languages")).json()
    assert client.account_verify_credentials()["username"] == "alice"
    with pytest.raises(MastodonAPIError) as refused:
        client._Mastodon__api_request("POST", "/api/v1/emails/confirmations")
    assert refused.value.args[1] == 403
    assert client._Mastodon__api_request("GET", "/api/v1/emails/check_confirmation") is True
    assert client._Mastodon__api_request("GET", f"/api/v1/accounts/{alice.id}/identity_proofs") == []
    embed = get(instance.url("/api/oembed?url=" + post.url)).json()
    assert embed["type"] == "rich" and "sourdough at dawn" in embed["html"] and embed["author_name"] == "alice"
    assert get(instance.url("/api/oembed?url=https://elsewhere.example/@alice/1")).status == 404
