"""Passkeys and security keys: WebAuthn through the `webauthn` library (layer 4).

Every ceremony starts with options from the server carrying a random challenge, stored with its
purpose and the user it was made for, good for CHALLENGE_LIFETIME_MS and taken (deleted) by the
answer that uses it: a challenge signs nothing twice. The relying party is the instance's host;
the browser's answer must come from the instance's own origin. The authenticator's signature
count must grow between uses when it keeps one (the library refuses a count that went back, the
sign of a cloned key); two sign-ins racing on one count let only one through.
"""

import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import webauthn
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria, PublicKeyCredentialDescriptor, ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ....config import Config
from ....db.api import Database
from ....errors import NotFound, Unprocessable
from ....models import User
from ....store.accounts import two_factor as store
from ....store.accounts import users as user_store
from .. import passwords

CHALLENGE_LIFETIME_MS = 5 * 60 * 1000
REGISTER, SIGN_IN = "register", "sign_in"
MAX_NAME = 100
MAX_ANSWER = 64 * 1024
REFUSED = "the security key's answer was not accepted"
WRONG_PASSWORD = "current password is incorrect"
NOT_FOUND = "Record not found"

Credential = store.Credential


@dataclass(frozen=True)
class RelyingParty:
    id: str  # the host name
    origin: str  # scheme://host[:port], what the browser reports
    name: str


def relying_party(config: Config) -> RelyingParty:
    parts = urlsplit(config.base_url)
    return RelyingParty(parts.hostname or "", f"{parts.scheme}://{parts.netloc}", config.instance.name)


def _descriptor(credential: Credential) -> PublicKeyCredentialDescriptor:
    return PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(credential.credential_id))


def _challenge() -> bytes:
    return secrets.token_bytes(32)


async def _remember(db: Database, challenge: bytes, user_id: int | None, purpose: str, now: int) -> None:
    async with db.transaction() as conn:
        await store.insert_challenge(
            conn, bytes_to_base64url(challenge), user_id, purpose, now + CHALLENGE_LIFETIME_MS, now
        )


def _client_challenge(answer: dict) -> str | None:
    """The challenge the browser signed, read from its client data (checked again by the library)."""
    try:
        client_data = webauthn.base64url_to_bytes(answer["response"]["clientDataJSON"])
        return json.loads(client_data)["challenge"]
    except (KeyError, TypeError, ValueError):
        return None


def _parse(answer: str) -> dict:
    try:
        parsed = json.loads(answer) if len(answer) <= MAX_ANSWER else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise Unprocessable(REFUSED)
    return parsed


async def _take(db: Database, answer: dict, purpose: str, now: int) -> tuple[bytes, int | None]:
    """The challenge the answer signed, taken so it serves once, and whom it was made for."""
    challenge = _client_challenge(answer)
    if not isinstance(challenge, str) or len(challenge) > 100:
        raise Unprocessable(REFUSED)
    async with db.transaction() as conn:
        taken = await store.take_challenge(conn, challenge, purpose, now)
    if taken is None:
        raise Unprocessable(REFUSED)
    return webauthn.base64url_to_bytes(challenge), taken[0]


# --- registering -------------------------------------------------------------------------------

async def registration_options(db: Database, config: Config, user: User, now: int) -> str:
    """Options for navigator.credentials.create(), as JSON; a discoverable credential is asked
    for, so the key can also sign in without a password."""
    rp, challenge = relying_party(config), _challenge()
    existing = await store.credentials_of(db.reader, user.id)
    options = webauthn.generate_registration_options(
        rp_id=rp.id, rp_name=rp.name, user_name=user.username, user_id=str(user.id).encode(),
        challenge=challenge,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(c) for c in existing],
    )
    await _remember(db, challenge, user.id, REGISTER, now)
    return webauthn.options_to_json(options)


async def register(db: Database, config: Config, user: User, answer: str, name: str, now: int) -> None:
    """Keep the credential the browser made for `user` from the options above."""
    parsed, rp = _parse(answer), relying_party(config)
    challenge, for_user = await _take(db, parsed, REGISTER, now)
    if for_user != user.id:
        raise Unprocessable(REFUSED)
    try:
        verified = webauthn.verify_registration_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp.id, expected_origin=rp.origin,
        )
    except WebAuthnException:
        raise Unprocessable(REFUSED) from None
    transports = parsed.get("response", {}).get("transports") or []
    transports = [t for t in transports if isinstance(t, str)][:10] if isinstance(transports, list) else []
    credential_id = bytes_to_base64url(verified.credential_id)
    name = " ".join(name.split())[:MAX_NAME] or "Security key"
    async with db.transaction() as conn:
        if not await store.insert_credential(
            conn, credential_id, user.id, bytes_to_base64url(verified.credential_public_key),
            verified.sign_count, name, transports, now,
        ):
            raise Unprocessable(REFUSED)


# --- signing in --------------------------------------------------------------------------------

async def authentication_options(db: Database, config: Config, user: User | None, now: int) -> str:
    """Options for navigator.credentials.get(), as JSON: for `user`'s keys (a second step), or,
    without a user, for any passkey the browser holds for this site (signing in without a password)."""
    rp, challenge = relying_party(config), _challenge()
    allowed = []
    if user is not None:
        allowed = [_descriptor(c) for c in await store.credentials_of(db.reader, user.id)]
    options = webauthn.generate_authentication_options(
        rp_id=rp.id, challenge=challenge, allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED if user else UserVerificationRequirement.REQUIRED,
    )
    await _remember(db, challenge, user.id if user else None, SIGN_IN, now)
    return webauthn.options_to_json(options)


async def authenticate(db: Database, config: Config, user: User | None, answer: str, now: int) -> User:
    """The user whose key signed the challenge. With `user` (the second step), the key must be
    theirs; without (no password given), the key must have verified its holder (PIN, biometrics)."""
    parsed, rp = _parse(answer), relying_party(config)
    challenge, for_user = await _take(db, parsed, SIGN_IN, now)
    if for_user != (user.id if user else None):
        raise Unprocessable(REFUSED)  # options made for someone else, or for the other kind of sign-in
    credential_id = parsed.get("id") if isinstance(parsed.get("id"), str) else ""
    found = await store.credential(db.reader, credential_id[:1000])
    if found is None or (user is not None and found.user_id != user.id):
        raise Unprocessable(REFUSED)
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp.id, expected_origin=rp.origin,
            credential_public_key=webauthn.base64url_to_bytes(found.public_key),
            credential_current_sign_count=found.sign_count, require_user_verification=user is None,
        )
    except WebAuthnException:
        raise Unprocessable(REFUSED) from None
    async with db.transaction() as conn:
        if not await store.record_use(conn, found.credential_id, found.sign_count, verified.new_sign_count, now):
            raise Unprocessable(REFUSED)
        owner = await user_store.get_user(conn, found.user_id)
    if owner is None or owner.is_disabled:
        raise Unprocessable(REFUSED)
    return owner


# --- listing and removing ----------------------------------------------------------------------

async def credentials(db: Database, user: User) -> list[Credential]:
    return await store.credentials_of(db.reader, user.id)


async def remove(db: Database, user: User, credential_id: str, password: str) -> None:
    """Remove one of the user's keys; needs their password, as turning codes off does."""
    if not await passwords.verify_password(user.password_hash, password[: passwords.MAX_LENGTH]):
        raise Unprocessable(WRONG_PASSWORD)
    async with db.transaction() as conn:
        if not await store.delete_credential(conn, user.id, credential_id[:1000]):
            raise NotFound(NOT_FOUND)
