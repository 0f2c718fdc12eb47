"""Groups through the client API extension (/api/v1/redfed/groups): created and run by their
moderators, joined with Mastodon's own follow, approval-only membership across two servers, and a
member list kept to the moderators."""

import json

from ..federation.test_posts import _settle
from ..support import api
from ..support.http import AP, get, request

ROOT = "/api/v1/redfed/groups"


class Caller:
    """Raw HTTP with a bearer token, for routes Mastodon.py does not know."""

    def __init__(self, instance, username):
        self.instance, self.token = instance, api.token_for(instance, username)

    def __call__(self, method, path, body=None, expected=200):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        data = json.dumps(body).encode() if body is not None else None
        reply = request(method, self.instance.url(path), headers=headers, body=data)
        assert reply.status == expected, reply.body
        return reply.json() if reply.body else None


def test_group__created_run_by_moderators_and_joined_on_approval_from_another_server(start_instance):
    a, b = start_instance("a"), start_instance("b")
    for name in ("alice", "carol"):
        a.create_user(name)
    b.create_user("bob")
    alice, carol = Caller(a, "alice"), Caller(a, "carol")

    # Bad input is refused with {"error": ...}; a name is shared with accounts.
    assert "error" in alice("POST", ROOT, {"username": "no spaces"}, expected=422)
    assert "error" in alice("POST", ROOT, {"username": "carol"}, expected=409)
    made = alice("POST", ROOT, {
        "username": "quiet", "display_name": "Quiet readers", "description": "Books, slowly",
        "rules": "No spoilers", "approval_required": True, "members_visible": False,
    })
    assert (made["account"]["group"], made["account"]["locked"], made["rules"]) == (True, True, "No spoilers")
    assert ([m["username"] for m in made["moderators"]], made["members_count"]) == (["alice"], 1)
    group_id = made["id"]
    assert [g["id"] for g in alice("GET", ROOT)] == [group_id] and carol("GET", ROOT) == []
    # Only moderators change a group.
    assert "error" in carol("PATCH", f"{ROOT}/{group_id}", {"rules": "Spoilers welcome"}, expected=403)
    assert alice("PATCH", f"{ROOT}/{group_id}", {"rules": "No spoilers, ever"})["rules"] == "No spoilers, ever"

    # bob on B asks to join with Mastodon's follow: pending on both servers until a moderator says yes.
    bob = api.client(b, "bob")
    found = bob.account_search(f"quiet@{a.domain}", resolve=True)[0]
    assert found["group"] is True
    assert bob.account_follow(found["id"])["requested"] is True
    _settle(a, b)
    pending = alice("GET", f"{ROOT}/{group_id}/requests")
    assert [p["acct"] for p in pending] == [f"bob@{b.domain}"]
    assert "error" in carol("GET", f"{ROOT}/{group_id}/requests", expected=403)
    # Not yet a member: bob's post to the group is not announced.
    early = bob.status_post(f"@quiet@{a.domain} chapter one is great")
    _settle(a, b)
    assert alice("GET", f"{ROOT}/{group_id}/statuses") == []
    alice("POST", f"{ROOT}/{group_id}/requests/{pending[0]['id']}/authorize")
    _settle(a, b)
    assert bob.account_relationships(found["id"])[0]["following"] is True
    later = bob.status_post(f"@quiet@{a.domain} chapter two is better")
    _settle(a, b)
    assert [s["uri"] for s in alice("GET", f"{ROOT}/{group_id}/statuses")] == [later["uri"]]
    assert early["uri"] != later["uri"]

    # The member list is hidden: its count stays public, the list is for moderators.
    assert "error" in carol("GET", f"{ROOT}/{group_id}/members", expected=403)
    assert {m["username"] for m in alice("GET", f"{ROOT}/{group_id}/members")} == {"alice", "bob"}
    followers = get(a.url("/users/quiet/followers"), AP).json()
    assert (followers["totalItems"], "first" in followers) == (2, False)

    # A moderator removes the post from the group, and then bob: he is a member no more.
    local_id = alice("GET", f"{ROOT}/{group_id}/statuses")[0]["id"]
    assert "error" in carol("DELETE", f"{ROOT}/{group_id}/statuses/{local_id}", expected=403)
    alice("DELETE", f"{ROOT}/{group_id}/statuses/{local_id}")
    assert alice("GET", f"{ROOT}/{group_id}/statuses") == []
    alice("DELETE", f"{ROOT}/{group_id}/members/{pending[0]['id']}")
    _settle(a, b)
    assert bob.account_relationships(found["id"])[0]["following"] is False
    assert alice("GET", f"{ROOT}/{group_id}")["members_count"] == 1
