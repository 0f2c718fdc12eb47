"""Two-factor sign-in (layer 4): TOTP codes from an authenticator app with single-use recovery
codes, passkeys and security keys (WebAuthn), and the signed state between a sign-in's password
step and its second step."""

from dataclasses import dataclass

from ....db.api import Database
from ....models import User
from ....store.accounts import two_factor as store


@dataclass(frozen=True)
class Methods:
    """What a user's second step may ask for; neither means sign-in needs the password alone."""
    totp: bool
    passkeys: bool

    @property
    def any(self) -> bool:
        return self.totp or self.passkeys


async def methods(db: Database, user: User) -> Methods:
    totp = await store.totp_of(db.reader, user.id)
    keys = await store.credentials_of(db.reader, user.id)
    return Methods(totp is not None and totp.confirmed_at is not None, bool(keys))
