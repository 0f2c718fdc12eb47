"""The second step of a sign-in, whichever face asks (layer 4): a code (from the app, or a
recovery code) or a security key's answer, for the user a pending token names. Failures are
counted per user, not per address, so that whoever holds the password gains nothing by moving;
the count is kept in the database, shared by every process."""

from ....config import Config
from ....db.api import Database
from ....errors import Unprocessable
from ....models import User
from .. import sessions
from . import passkeys, totp

ATTEMPTS = 5
WINDOW_MS = 5 * 60 * 1000
PASSED, WRONG, BLOCKED = "passed", "wrong", "blocked"
# Where the faces keep their one SecondStep, in the app's extensions (both faces share it).
EXTENSION = "redfed.second_step"


class SecondStep:
    def __init__(self, db: Database, config: Config):
        self.db, self.config = db, config
        self._throttle = sessions.LoginThrottle(db, ATTEMPTS, WINDOW_MS, name="two_factor")

    async def attempt(self, key: bytes, user: User, code: str, answer: str, now: int) -> str:
        """PASSED when `answer` (a security key's, as JSON) or else `code` proves the second
        factor; WRONG when neither does; BLOCKED, without looking, after too many wrong ones."""
        if await self._throttle.blocked(user.username, "", now):
            return BLOCKED
        if not await self._passes(key, user, code, answer, now):
            await self._throttle.failed(user.username, "", now)
            return WRONG
        await self._throttle.succeeded(user.username, "")
        return PASSED

    async def _passes(self, key: bytes, user: User, code: str, answer: str, now: int) -> bool:
        if answer:
            try:
                await passkeys.authenticate(self.db, self.config, user, answer, now)
            except Unprocessable:
                return False
            return True
        return await totp.check(self.db, key, user, code[:100], now)
