"""Local accounts: Mastodon's username rules, unique handles and emails, Argon2id passwords, keys."""

import pytest

from redfed.errors import Conflict, NotFound, Unprocessable
from redfed.protocol import keys
from redfed.services.accounts import accounts
from redfed.store import actors as actor_store


async def test_create_user__makes_an_actor_with_rsa_and_ed25519_keys(db, config):
    created = await accounts.create_user(db, config, "alice", "alice@example.com", "correct horse")
    assert created.password is None
    assert created.actor.uri == "http://127.0.0.1:8000/users/alice"
    assert created.actor.handle == "alice@127.0.0.1:8000"
    assert created.user.username == "alice" and not created.user.is_admin
    stored = await actor_store.list_keys(db.reader, created.actor.id)
    assert [(k.kind, k.key_id) for k in stored] == [
        ("rsa", "http://127.0.0.1:8000/users/alice#main-key"),
        ("ed25519", "http://127.0.0.1:8000/users/alice#ed25519-key"),
    ]
    rsa = keys.load_private_key(stored[0].private_pem)
    assert rsa.key_size == 2048


async def test_create_user__hashes_the_password_with_argon2id(db, config):
    created = await accounts.create_user(db, config, "alice", "alice@example.com", "correct horse")
    assert created.user.password_hash.startswith("$argon2id$")
    assert await accounts.authenticate(db, "ALICE", "correct horse") is not None
    assert await accounts.authenticate(db, "alice", "wrong horse") is None


async def test_create_user__generates_a_password_when_none_is_given(db, config):
    created = await accounts.create_user(db, config, "bob", "bob@example.com")
    assert len(created.password) >= 16
    assert await accounts.authenticate(db, "bob", created.password) is not None


@pytest.mark.parametrize("name", ["", "al ice", "alice!", "al.ice", "ålice", "a" * 31, "alice\n"])
async def test_create_user__refuses_usernames_mastodon_would_refuse(db, config, name):
    with pytest.raises(Unprocessable, match="username must be"):
        await accounts.create_user(db, config, name, "x@example.com", "correct horse")


async def test_create_user__refuses_reserved_names_unless_allowed(db, config):
    with pytest.raises(Unprocessable, match="reserved"):
        await accounts.create_user(db, config, "admin", "x@example.com", "correct horse")
    created = await accounts.create_user(db, config, "admin", "x@example.com", "correct horse", allow_reserved=True)
    assert created.actor.username == "admin"


async def test_create_user__usernames_and_emails_are_unique_regardless_of_case(db, config):
    await accounts.create_user(db, config, "Alice", "alice@example.com", "correct horse")
    with pytest.raises(Conflict, match="username 'alice' is already taken"):
        await accounts.create_user(db, config, "alice", "other@example.com", "correct horse")
    with pytest.raises(Conflict, match="already registered"):
        await accounts.create_user(db, config, "alice2", "ALICE@example.com", "correct horse")
    assert [u.username for u in await accounts.list_users(db)] == ["Alice"]


async def test_create_user__refuses_bad_emails_and_short_passwords(db, config):
    with pytest.raises(Unprocessable, match="not an email address"):
        await accounts.create_user(db, config, "carol", "carol.example.com", "correct horse")
    with pytest.raises(Unprocessable, match="password must be"):
        await accounts.create_user(db, config, "carol", "carol@example.com", "short")
    assert await accounts.list_users(db) == []


async def test_disabled_user__cannot_log_in_until_enabled(db, config):
    await accounts.create_user(db, config, "dave", "dave@example.com", "correct horse")
    disabled = await accounts.set_user_disabled(db, "dave", True)
    assert disabled.is_disabled
    assert await accounts.authenticate(db, "dave", "correct horse") is None
    await accounts.set_user_disabled(db, "dave", False)
    assert await accounts.authenticate(db, "dave", "correct horse") is not None
    with pytest.raises(NotFound):
        await accounts.set_user_disabled(db, "nobody", True)


async def test_instance_actor__is_one_application_actor_named_after_the_domain(db, config):
    first = await accounts.ensure_instance_actor(db, config)
    again = await accounts.ensure_instance_actor(db, config)
    assert first == again
    assert (first.type, first.username, first.uri) == ("Application", "127.0.0.1:8000", "http://127.0.0.1:8000/actor")
