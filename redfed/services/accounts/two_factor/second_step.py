"""The second step of a sign-in, whichever face asks (layer 4): a code (from the app, or a
recovery code) or a security key's answer, for the user a pending token names. Failures are
counted per user, so that whoever holds the password gains nothing by moving, and per address,
so that one holding many passwords gains nothing by spreading guesses over the accounts; the
counts are kept in the database, shared by every process."""

from ....config import Config
from ....db.api import Database
from ....errors import Unprocessable
from ....models import User
from .. import sessions
from . import passkeys, totp

ATTEMPTS = 5
ATTEMPTS_PER_ADDRESS = 20
WINDOW_MS = 5 * 60 * 1000
PASSED, WRONG, BLOCKED = "passed", "wrong", "blocked"
# Where the faces keep their one SecondStep, in the app's extensions (both faces share it).
EXTENSION = "redfed.second_step"


class SecondStep:
    def __init__(self, db: Database, config: Config):
        self.db, self.config = db, config
        self._per_user = sessions.LoginThrottle(db, ATTEMPTS, WINDOW_MS, name="two_factor")
        self._per_address = sessions.LoginThrottle(db, ATTEMPTS_PER_ADDRESS, WINDOW_MS, name="two_factor_address")

    async def attempt(self, key: bytes, user: User, address: str, code: str, answer: str, now: int) -> str:
        """PASSED when `answer` (a security key's, as JSON) or else `code` proves the second
        factor; WRONG when neither does; BLOCKED, without looking, after too many wrong ones."""
        if await self._per_user.blocked(user.username, "", now) or await self._per_address.blocked("", address, now):
            return BLOCKED
        if not await self._passes(key, user, code, answer, now):
            await self._per_user.failed(user.username, "", now)
            await self._per_address.failed("", address, now)
            return WRONG
        await self._per_user.succeeded(user.username, "")
        return PASSED

    async def _passes(self, key: bytes, user: User, code: str, answer: str, now: int) -> bool:
        if answer:
            try:
                await passkeys.authenticate(self.db, self.config, user, answer, now)
            except Unprocessable:
                return False
            return True
        return await totp.check(self.db, key, user, code[:100], now)
