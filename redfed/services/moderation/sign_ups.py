"""Signing up on the web or through the API, by the instance's registration mode; approving and
rejecting pending accounts; invite codes (layer 4).

Every field is checked before anything is written, and the account, its invite use, its request
and the admins' notifications are one transaction: a refused sign-up stores nothing.
"""

import secrets
from dataclasses import dataclass

from ...config import Config
from ...db.api import Database
from ...errors import Conflict, Forbidden, NotFound, Unprocessable
from ...models import Actor, User
from ...store import actors as actor_store
from ...store.accounts import sign_ups as store
from ...store.accounts import users as user_store
from ...store.accounts.sign_ups import PendingSignUp
from ...store.moderation import invites as invite_store
from ...store.moderation.invites import Invite
from ..accounts import accounts
from ..accounts.sessions import LoginThrottle
from ..notify import notify
from . import instance_settings

MAX_REASON = 1_000
MAX_INVITE_CODE = 64
INVITE_MAX_USES = 1_000
# Mastodon allows 5 sign-ups per 30 minutes from one address; refused attempts count too, which
# makes probing for taken usernames as slow as guessing passwords.
ATTEMPTS_PER_WINDOW = 10
WINDOW_MS = 30 * 60 * 1000

COMMON_PASSWORDS = frozenset({
    "password", "password1", "password123", "12345678", "123456789", "1234567890", "87654321", "qwertyui",
    "qwerty123", "iloveyou", "11111111", "abcdefgh", "abcd1234", "letmein1", "sunshine", "football",
    "baseball", "welcome1", "admin123", "trustno1", "passw0rd", "mastodon", "fediverse", "redfed123",
})

__all__ = ["Invite", "PendingSignUp"]


def new_throttle(db: Database) -> LoginThrottle:
    return LoginThrottle(db, limit=ATTEMPTS_PER_WINDOW, window_ms=WINDOW_MS, name="sign_up")


class SignUpRefused(Unprocessable):
    """Field problems, as Mastodon's `details`: {field: [(error code, description), ...]}."""

    def __init__(self, problems: dict[str, list[tuple[str, str]]]):
        self.problems = problems
        words = [f"{field.capitalize()} {description}" for field, found in problems.items() for _c, description in found]
        super().__init__("Validation failed: " + ", ".join(words))

    def details(self) -> dict:
        return {
            field: [{"error": code, "description": description} for code, description in found]
            for field, found in self.problems.items()
        }


class RegistrationsClosed(Forbidden):
    default_message = "Registrations are closed on this server"


@dataclass(frozen=True)
class SignUpForm:
    username: str
    email: str
    password: str
    agreement: bool
    password_confirmation: str | None = None  # the web form asks twice; the API does not
    reason: str = ""
    invite_code: str = ""
    locale: str = "en"


@dataclass(frozen=True)
class Registered:
    user: User
    actor: Actor

    @property
    def pending(self) -> bool:
        return self.user.pending


async def sign_up(db: Database, config: Config, form: SignUpForm, now: int) -> Registered:
    """Create the account the form asks for, as the registration mode allows: signed up at once
    (open, or with a usable invite code) or pending an admin's approval."""
    settings = await instance_settings.current(db, config)
    mode = settings.registration_mode
    if mode == "closed":
        raise RegistrationsClosed()
    problems = _field_problems(form, mode)
    if "username" not in problems and await accounts.name_taken(db, config, form.username):
        problems["username"] = [("ERR_TAKEN", "is already taken")]
    if "email" not in problems and await accounts.email_taken(db, form.email):
        problems["email"] = [("ERR_TAKEN", "is already taken")]
    # As on Mastodon, a valid invite also lets its holder skip approval.
    with_invite = mode == "invite" or (mode == "approval" and bool(form.invite_code))
    if with_invite and "invite_code" not in problems:
        invite = await invite_store.find_invite(db.reader, form.invite_code)
        if invite is None or not invite.usable(now):
            problems["invite_code"] = [("ERR_INVALID", "is invalid, used up or expired")]
    if problems:
        raise SignUpRefused(problems)
    pending = mode == "approval" and not with_invite

    async def record(conn, user: User) -> None:
        invite_id = None
        if with_invite:
            invite_id = await invite_store.use_invite(conn, form.invite_code, now)
            if invite_id is None:  # another sign-up took its last use since the check above
                raise SignUpRefused({"invite_code": [("ERR_INVALID", "is invalid, used up or expired")]})
        if pending:
            await store.set_pending(conn, user.id, True)
            await store.insert_request(conn, user.id, form.reason.strip(), invite_id, now)
            sender = await actor_store.get_actor(conn, user.actor_id)
            for admin_id in await store.admin_actor_ids(conn):
                await notify(conn, admin_id, "admin.sign_up", sender, None, now)

    try:
        created = await accounts.create_user(db, config, form.username, form.email, form.password, then=record)
    except Conflict:
        # Taken between our check and the insert.
        raise SignUpRefused({"username": [("ERR_TAKEN", "is already taken")]}) from None
    return Registered(created.user, created.actor)


def _field_problems(form: SignUpForm, mode: str) -> dict[str, list[tuple[str, str]]]:
    problems: dict[str, list[tuple[str, str]]] = {}
    for field, problem in (
        ("username", accounts.username_problem(form.username)),
        ("email", accounts.email_problem(form.email)),
        ("password", accounts.password_problem(form.password)),
    ):
        if problem:
            problems[field] = [problem]
    if "password" not in problems and _guessable(form):
        problems["password"] = [("ERR_INVALID", "is too easy to guess")]
    if form.password_confirmation is not None and "password" not in problems and form.password_confirmation != form.password:
        problems["password_confirmation"] = [("ERR_INVALID", "doesn't match Password")]
    if not form.agreement:
        problems["agreement"] = [("ERR_ACCEPTED", "must be accepted")]
    if len(form.reason) > MAX_REASON:
        problems["reason"] = [("ERR_TOO_LONG", f"is too long (maximum is {MAX_REASON} characters)")]
    if mode == "invite" and not form.invite_code:
        problems["invite_code"] = [("ERR_BLANK", "can't be blank")]
    elif mode in ("invite", "approval") and len(form.invite_code) > MAX_INVITE_CODE:
            problems["invite_code"] = [("ERR_INVALID", "is invalid, used up or expired")]
    return problems


def _guessable(form: SignUpForm) -> bool:
    """A password that is the username or email, one repeated character, or among the first
    guesses of every attacker."""
    lowered = form.password.lower()
    return (
        lowered in (form.username.lower(), form.email.lower(), form.email.split("@")[0].lower())
        or len(set(lowered)) == 1
        or lowered in COMMON_PASSWORDS
    )


# --- approving ---------------------------------------------------------------------------------


async def pending_sign_ups(db: Database) -> list[PendingSignUp]:
    return await store.list_pending(db.reader)


async def approve(db: Database, user_id: int) -> PendingSignUp:
    async with db.transaction() as conn:
        found = await store.find_pending(conn, user_id)
        if found is None:
            raise NotFound("no pending sign-up with that id")
        await store.set_pending(conn, user_id, False)
        await store.delete_request(conn, user_id)
    return found


async def approve_by_name(db: Database, username: str) -> User:
    user = await user_store.find_user_by_username(db.reader, username)
    if user is None:
        raise NotFound(f"no local user named '{username}'")
    if not user.pending:
        raise Unprocessable(f"user '{username}' is not awaiting approval")
    await approve(db, user.id)
    return await user_store.get_user(db.reader, user.id)


async def reject(db: Database, user_id: int) -> PendingSignUp:
    """Refuse a pending account: it is deleted, so its name and email can be used again."""
    async with db.transaction() as conn:
        found = await store.find_pending(conn, user_id)
        if found is None:
            raise NotFound("no pending sign-up with that id")
        await store.delete_actor(conn, found.actor_id)
    return found


# --- invites -----------------------------------------------------------------------------------


def new_code() -> str:
    return secrets.token_urlsafe(9)  # 12 characters, 72 bits


async def create_invite(db: Database, creator: User | None, max_uses: int | None, expires_at: int | None, now: int) -> Invite:
    if max_uses is not None and not 1 <= max_uses <= INVITE_MAX_USES:
        raise Unprocessable(f"max uses must be 1 to {INVITE_MAX_USES}")
    if expires_at is not None and expires_at <= now:
        raise Unprocessable("an invite must expire in the future")
    async with db.transaction() as conn:
        return await invite_store.insert_invite(conn, new_code(), creator.id if creator else None, max_uses, expires_at, now)


async def list_invites(db: Database) -> list[Invite]:
    return await invite_store.list_invites(db.reader)


async def revoke_invite(db: Database, invite_id: int, now: int) -> None:
    async with db.transaction() as conn:
        await invite_store.revoke_invite(conn, invite_id, now)

