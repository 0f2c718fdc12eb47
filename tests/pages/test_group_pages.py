"""Groups on the pages, over plain HTTP: made with a form, joined with the group page's button,
and run by their moderators there (join requests answered, the group's settings changed)."""

import re

from .test_forms import Browser


def _token(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]


def test_group__made_joined_and_run_from_its_pages(instance):
    for name in ("alice", "carol"):
        instance.create_user(name)
    alice, carol = Browser(), Browser()
    alice.sign_in(instance, "alice")
    carol.sign_in(instance, "carol")

    assert "You do not run any group yet." in alice.open(instance.url("/settings/groups")).text
    form = alice.open(instance.url("/groups/new"))
    fields = {"csrf_token": _token(form), "display_name": "Quiet readers", "rules": "No spoilers", "approval_required": "1"}
    refused = alice.open(instance.url("/groups/new"), {**fields, "username": "not valid"})
    assert refused.status == 422 and "Not saved" in refused.text
    made = alice.open(instance.url("/groups/new"), {**fields, "username": "quiet"})
    assert (made.status, made.headers["Location"]) == (303, "/@quiet")
    assert "/@quiet/group/edit" in alice.open(instance.url("/settings/groups")).text

    # carol asks to join; alice, its moderator, sees her on the group page and lets her in.
    page = carol.open(instance.url("/@quiet"))
    assert "Ask to join" in page.text and "No spoilers" in page.text and "Edit group" not in page.text
    assert carol.open(instance.url("/@quiet/follow"), {"csrf_token": _token(page)}).status == 303
    assert "Cancel request to join" in carol.open(instance.url("/@quiet")).text
    page = alice.open(instance.url("/@quiet"))
    assert "Asking to join" in page.text and "@carol@" in page.text
    carol_id = re.search(r'/@quiet/group/requests/(\d+)/accept', page.text)[1]
    assert alice.open(instance.url(f"/@quiet/group/requests/{carol_id}/accept"), {"csrf_token": _token(page)}).status == 303
    page = carol.open(instance.url("/@quiet"))
    assert "Leave group" in page.text and "2 members" in page.text

    # Only a moderator may change it.
    assert carol.open(instance.url("/@quiet/group/edit")).status == 403
    edit = alice.open(instance.url("/@quiet/group/edit"))
    assert "No spoilers" in edit.text
    saved = alice.open(instance.url("/@quiet/group/edit"), {
        "csrf_token": _token(edit), "display_name": "Quiet readers", "rules": "Spoilers after a week", "members_visible": "1",
    })
    assert saved.status == 303
    page = carol.open(instance.url("/@quiet"))
    assert "Spoilers after a week" in page.text and "Join group" not in page.text and "Leave group" in page.text
