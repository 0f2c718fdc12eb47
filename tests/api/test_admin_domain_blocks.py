"""The Mastodon admin API for domain blocks, through Mastodon.py: admins block, change and lift
blocks; everyone else is refused; bad input is a 422 that stores nothing; the public list shows
what the admin chose to show."""

import hashlib
from urllib.parse import urlencode

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from ..support import api
from ..support.http import request

ADMIN_SCOPES = "read admin:read:domain_blocks admin:write:domain_blocks"


@pytest.fixture
def admin(instance):
    instance.create_user("ada", is_admin=True)
    return api.client(instance, "ada", scopes=ADMIN_SCOPES)


def _count(instance) -> int:
    async def count():
        async with instance.runtime.db.reader.execute("SELECT count(*) FROM domain_blocks") as cursor:
            return (await cursor.fetchone())[0]

    return instance.run(count())


def test_admin__blocks_shows_changes_and_lifts_a_domain(instance, admin):
    made = admin.admin_create_domain_block(
        "Spam.Example.", severity="suspend", public_comment="spam", private_comment="reported by alice"
    )
    assert made["domain"] == "spam.example"  # normalised: lower case, no trailing dot
    assert made["severity"] == "suspend" and made["public_comment"] == "spam"
    assert made["private_comment"] == "reported by alice"
    assert made["digest"] == hashlib.sha256(b"spam.example").hexdigest()
    assert [b["domain"] for b in admin.admin_domain_blocks()] == ["spam.example"]
    assert admin.admin_domain_blocks(id=made["id"])["domain"] == "spam.example"

    changed = admin.admin_update_domain_block(made["id"], severity="silence", private_comment="calmer now")
    assert changed["severity"] == "silence"
    assert changed["public_comment"] == "spam"  # not sent, so kept
    assert changed["private_comment"] == "calmer now"

    admin.admin_delete_domain_block(made["id"])
    assert admin.admin_domain_blocks() == []
    with pytest.raises(MastodonNotFoundError):
        admin.admin_domain_blocks(id=made["id"])


def test_instance_domain_blocks__public_list_with_obfuscation(instance, admin):
    admin.admin_create_domain_block("spam.example", severity="suspend", public_comment="spam", private_comment="secret")
    admin.admin_create_domain_block("noisy.example", severity="silence", obfuscate=True)

    listed = {b["severity"]: b for b in api.client(instance).instance_domain_blocks()}

    assert listed["suspend"]["domain"] == "spam.example" and listed["suspend"]["comment"] == "spam"
    assert listed["silence"]["domain"] != "noisy.example" and "*" in listed["silence"]["domain"]
    assert listed["silence"]["digest"] == hashlib.sha256(b"noisy.example").hexdigest()
    assert "secret" not in str(listed)


def test_admin_api__refuses_non_admins_and_tokens_without_the_scope(instance, admin):
    instance.create_user("alice")
    member = api.client(instance, "alice", scopes=ADMIN_SCOPES)
    with pytest.raises(MastodonAPIError) as raised:
        member.admin_create_domain_block("spam.example", severity="suspend")
    assert raised.value.args[1] == 403
    with pytest.raises(MastodonAPIError) as raised:
        member.admin_domain_blocks()
    assert raised.value.args[1] == 403

    reader = api.client(instance, "ada", scopes="read write")
    with pytest.raises(MastodonAPIError) as raised:
        reader.admin_create_domain_block("spam.example", severity="suspend")
    assert raised.value.args[1] == 403
    assert _count(instance) == 0

    anonymous = request("GET", instance.url("/api/v1/admin/domain_blocks"))
    assert anonymous.status == 401


@pytest.mark.parametrize("domain", ["", "not a domain", "https://spam.example/", "spam..example", "-x.example", "a" * 300])
def test_admin_api__refuses_what_is_not_a_domain(instance, admin, domain):
    reply = _create(instance, {"domain": domain})
    assert reply.status == 422 and "error" in reply.json()
    assert _count(instance) == 0


def test_admin_api__refuses_a_duplicate_and_a_looser_block_under_a_suspension(instance, admin):
    first = admin.admin_create_domain_block("spam.example", severity="suspend")

    for domain, severity in (("SPAM.example", "silence"), ("spam.example", "suspend"), ("sub.spam.example", "silence")):
        reply = _create(instance, {"domain": domain, "severity": severity})
        assert reply.status == 422
        assert reply.json()["existing_domain_block"]["id"] == first["id"]
    assert _count(instance) == 1


def test_admin_api__refuses_unknown_severities_long_comments_and_its_own_domain(instance, admin):
    cases = [
        {"domain": "spam.example", "severity": "obliterate"},
        {"domain": "spam.example", "private_comment": "x" * 1001},
        {"domain": instance.domain, "severity": "suspend"},
    ]
    for form in cases:
        reply = _create(instance, form)
        assert reply.status == 422, form
    assert _count(instance) == 0


def test_admin_api__keeps_a_script_in_a_comment_as_text(instance, admin):
    script = "<script>alert(1)</script>"
    made = admin.admin_create_domain_block("spam.example", severity="suspend", public_comment=script)

    assert made["public_comment"] == script
    assert api.client(instance).instance_domain_blocks()[0]["comment"] == script


def _create(instance, form: dict):
    headers = {
        "Authorization": f"Bearer {api.token_for(instance, 'ada', ADMIN_SCOPES)}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return request("POST", instance.url("/api/v1/admin/domain_blocks"), headers=headers, body=urlencode(form).encode())
