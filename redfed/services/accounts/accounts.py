"""Local accounts: registration, the instance actor, listing and disabling users (layer 4)."""

import asyncio
import dataclasses
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ...clock import now_ms
from ...config import Config
from ...db.api import Database
from ...db.errors import INTEGRITY_ERRORS
from ...errors import Conflict, NotFound, Unprocessable
from ...models import Actor, ActorKey, User
from ...protocol import keys
from ...protocol.signatures import SigningKey
from ...protocol.webfinger import Acct
from ...store import actors as actor_store
from ...store.accounts import sign_ups as sign_up_store
from ...store.accounts import users as user_store
from ...urls import Urls
from . import passwords

# Mastodon's rule for local usernames: letters, digits and underscores, at most 30 characters.
USERNAME = re.compile(r"[A-Za-z0-9_]{1,30}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# Names that would shadow a route or impersonate the staff of the instance.
RESERVED_USERNAMES = frozenset({
    "actor", "admin", "administrator", "api", "inbox", "instance", "mod", "moderator", "nodeinfo",
    "oauth", "postmaster", "root", "settings", "support", "users", "webmaster", "well_known",
})


@dataclass(frozen=True)
class NewUser:
    user: User
    actor: Actor
    password: str | None  # the generated password, when none was given


async def create_user(
    db: Database, config: Config, username: str, email: str, password: str | None = None, *,
    is_admin: bool = False, allow_reserved: bool = False,
    then: Callable[[object, User], Awaitable[None]] | None = None,
) -> NewUser:
    """Register a local user with its actor and key pairs. Raises Unprocessable or Conflict.
    `then(conn, user)` runs inside the same transaction (sign-up records its invite and request)."""
    _check_username(username, allow_reserved)
    _check_email(email)
    generated = None
    if password is None:
        password = generated = passwords.generate_password()
    _check_password(password)
    password_hash = await passwords.hash_password(password)
    urls = Urls(config)
    new_keys = await _new_key_pairs(urls.actor(username))
    try:
        async with db.transaction() as conn:
            if await actor_store.find_actor_by_handle(conn, username, config.domain):
                raise Conflict(f"username '{username}' is already taken")
            if await user_store.email_taken(conn, email):
                raise Conflict(f"email '{email}' is already registered")
            actor = await _insert_local_actor(conn, _local_actor(config, username, "Person"), new_keys)
            await user_store.insert_user(conn, actor.id, email, password_hash, is_admin, now_ms())
            user = await user_store.find_user_by_username(conn, username)
            if then is not None:
                await then(conn, user)
                user = await user_store.get_user(conn, user.id)
    except INTEGRITY_ERRORS:
        # A concurrent registration won the race between our check and our insert.
        raise Conflict(f"username '{username}' or email '{email}' is already taken") from None
    return NewUser(user=user, actor=actor, password=generated)


async def create_actor(
    db: Database, config: Config, username: str, actor_type: str, *,
    then: Callable[[object, Actor], Awaitable[None]], **profile,
) -> Actor:
    """A local actor with no user behind it (a group), named by the rules for usernames, with
    `profile` (display_name, summary …) set; `then(conn, actor)` runs in the same transaction."""
    _check_username(username, allow_reserved=False)
    new_keys = await _new_key_pairs(Urls(config).actor(username))
    try:
        async with db.transaction() as conn:
            if await actor_store.find_actor_by_handle(conn, username, config.domain):
                raise Conflict(f"username '{username}' is already taken")
            new_actor = dataclasses.replace(_local_actor(config, username, actor_type), **profile)
            actor = await _insert_local_actor(conn, new_actor, new_keys)
            await then(conn, actor)
    except INTEGRITY_ERRORS:
        raise Conflict(f"username '{username}' is already taken") from None
    return actor


async def ensure_instance_actor(db: Database, config: Config) -> Actor:
    """The Application actor that signs the instance's own fetches; created on first start."""
    uri = Urls(config).instance_actor()
    existing = await actor_store.find_actor_by_uri(db.reader, uri)
    if existing:
        return existing
    new_keys = await _new_key_pairs(uri)
    async with db.transaction() as conn:
        existing = await actor_store.find_actor_by_uri(conn, uri)
        if existing:
            return existing
        return await _insert_local_actor(conn, _local_actor(config, config.domain, "Application", uri), new_keys)


async def list_users(db: Database) -> list[User]:
    return await user_store.list_users(db.reader)


async def set_user_disabled(db: Database, username: str, disabled: bool) -> User:
    async with db.transaction() as conn:
        user = await user_store.find_user_by_username(conn, username)
        if user is None:
            raise NotFound(f"no local user named '{username}'")
        await user_store.set_disabled_at(conn, user.id, now_ms() if disabled else None)
        return await user_store.find_user_by_username(conn, username)


async def authenticate(db: Database, username: str, password: str) -> User | None:
    user = await user_store.find_user_by_username(db.reader, username)
    if user is None or user.is_disabled:
        return None
    return user if await passwords.verify_password(user.password_hash, password) else None


async def find_local_actor(db: Database, config: Config, username: str) -> Actor:
    """A local actor by username, for the faces. Disabled users and unknown names are 404."""
    actor = await actor_store.find_actor_by_handle(db.reader, username, config.domain)
    if actor is None or not actor.is_local or actor.suspended_at is not None:
        raise NotFound("no such account")
    if await sign_up_store.actor_pending(db.reader, actor.id):
        # Not there until an admin approves it (Mastodon's check_account_approval).
        raise NotFound("no such account")
    return actor


async def actor_keys(db: Database, actor: Actor) -> list[ActorKey]:
    return await actor_store.list_keys(db.reader, actor.id)


def username_problem(username: str) -> tuple[str, str] | None:
    """What is wrong with a wanted username, as Mastodon's (error code, description), or None."""
    if not username:
        return "ERR_BLANK", "can't be blank"
    if len(username) > 30:
        return "ERR_TOO_LONG", "is too long (maximum is 30 characters)"
    if not USERNAME.fullmatch(username):
        return "ERR_INVALID", "must contain only letters, numbers and underscores"
    if username.lower() in RESERVED_USERNAMES:
        return "ERR_RESERVED", "is reserved"
    return None


def email_problem(email: str) -> tuple[str, str] | None:
    if not email:
        return "ERR_BLANK", "can't be blank"
    if len(email) > 320:
        return "ERR_TOO_LONG", "is too long (maximum is 320 characters)"
    if not EMAIL.fullmatch(email):
        return "ERR_INVALID", "is invalid"
    return None


def password_problem(password: str) -> tuple[str, str] | None:
    if not password:
        return "ERR_BLANK", "can't be blank"
    if len(password) < passwords.MIN_LENGTH:
        return "ERR_TOO_SHORT", f"is too short (minimum is {passwords.MIN_LENGTH} characters)"
    if len(password) > passwords.MAX_LENGTH:
        return "ERR_TOO_LONG", f"is too long (maximum is {passwords.MAX_LENGTH} characters)"
    return None


async def name_taken(db: Database, config: Config, username: str) -> bool:
    return await actor_store.find_actor_by_handle(db.reader, username, config.domain) is not None


async def email_taken(db: Database, email: str) -> bool:
    return await user_store.email_taken(db.reader, email)


def _check_username(username: str, allow_reserved: bool) -> None:
    if not USERNAME.fullmatch(username):
        raise Unprocessable("username must be 1-30 letters, digits or underscores")
    if not allow_reserved and username.lower() in RESERVED_USERNAMES:
        raise Unprocessable(f"username '{username}' is reserved")


def _check_email(email: str) -> None:
    if len(email) > 320 or not EMAIL.fullmatch(email):
        raise Unprocessable(f"'{email}' is not an email address")


def _check_password(password: str) -> None:
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise Unprocessable(f"password must be {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters")


async def _new_key_pairs(actor_uri: str) -> list[ActorKey]:
    """An RSA key for HTTP signatures and an Ed25519 key for FEP-8b32 proofs (actor_id filled later)."""
    (rsa_private, rsa_public), (ed_private, ed_public) = await asyncio.gather(
        asyncio.to_thread(keys.generate_rsa_keypair), asyncio.to_thread(keys.generate_ed25519_keypair)
    )
    created = now_ms()
    return [
        ActorKey(0, 0, Urls.main_key(actor_uri), "rsa", rsa_public, rsa_private, created),
        ActorKey(0, 0, Urls.ed25519_key(actor_uri), "ed25519", ed_public, ed_private, created),
    ]


async def _insert_local_actor(conn, actor: Actor, new_keys: list[ActorKey]) -> Actor:
    actor = await actor_store.insert_actor(conn, actor)
    await actor_store.insert_keys(conn, [dataclasses.replace(k, actor_id=actor.id) for k in new_keys])
    return actor


def _local_actor(config: Config, username: str, actor_type: str, uri: str | None = None) -> Actor:
    urls = Urls(config)
    uri = uri or urls.actor(username)
    created = now_ms()
    is_instance = actor_type == "Application"
    return Actor(
        id=0, uri=uri, type=actor_type, username=username, domain=config.domain, is_local=True,
        display_name="" if not is_instance else config.instance.name, summary="", summary_source="",
        url=urls.base + "/about/more" if is_instance else urls.profile_page(username),
        inbox_uri=urls.inbox(uri), outbox_uri=urls.outbox(uri),
        followers_uri=None if is_instance else urls.followers(uri),
        following_uri=None if is_instance else urls.following(uri),
        featured_uri=None if is_instance else urls.featured(uri),
        shared_inbox_uri=urls.shared_inbox(), icon_url=None, image_url=None, fields=(),
        also_known_as=(), moved_to_uri=None, manually_approves_followers=is_instance,
        discoverable=not is_instance, published_at=created, updated_at=created,
    )


async def find_actor_for_resource(db: Database, config: Config, resource: Acct | str) -> Actor:
    """The local actor a WebFinger resource names: acct:user@our-domain, or one of our actor or
    profile URLs. The instance actor answers to acct:<domain>@<domain>, as on Mastodon."""
    urls = Urls(config)
    if isinstance(resource, str):
        if resource == urls.instance_actor():
            return await ensure_instance_actor(db, config)
        username = urls.local_username(resource)
    else:
        username = resource.username if resource.domain == config.domain else None
    if username is None:
        raise NotFound("no such account on this server")
    actor = await actor_store.find_actor_by_handle(db.reader, username, config.domain)
    if actor is None or actor.suspended_at is not None or await sign_up_store.actor_pending(db.reader, actor.id):
        raise NotFound("no such account on this server")
    return actor


async def instance_signing_key(db: Database, config: Config) -> SigningKey:
    """The instance actor's RSA key, which signs the fetches the instance makes on its own behalf."""
    actor = await ensure_instance_actor(db, config)
    return SigningKey.newest_rsa(await actor_store.list_keys(db.reader, actor.id))
