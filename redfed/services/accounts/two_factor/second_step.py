"""The second step of a sign-in, whichever face asks (layer 4): a code (from the app, or a
recovery code) or a security key's answer, for the user a pending token names. Failures are
counted per user, not per address, so that whoever holds the password gains nothing by moving."""

from ....config import Config
from ....db.api import Database
from ....errors import Unprocessable
from ....models import User
from .. import sessions
from . import passkeys, totp

ATTEMPTS = 5
WINDOW_MS = 5 * 60 * 1000


def throttle(db: Database) -> sessions.LoginThrottle:
    return sessions.LoginThrottle(db, ATTEMPTS, WINDOW_MS, name="two_factor")


async def passes(db: Database, config: Config, key: bytes, user: User, code: str, answer: str, now: int) -> bool:
    """True when `answer` (a security key's, as JSON) or else `code` proves the second factor."""
    if answer:
        try:
            await passkeys.authenticate(db, config, user, answer, now)
        except Unprocessable:
            return False
        return True
    return await totp.check(db, key, user, code[:100], now)
