"""The state between a sign-in's password and its second step (layer 4).

Nobody is signed in after the password alone: the browser gets a token naming the user, signed
with the instance's secret key, bound to the sign-in form's nonce cookie (HttpOnly, so a token
copied out of the page is useless elsewhere) and to the user's password hash (a password changed
meanwhile voids it), and good for a few minutes. The second step needs it and a code or a key.
"""

import hashlib
import hmac

from ....db.api import Database
from ....models import User
from ....store.accounts import users as user_store

LIFETIME_MS = 5 * 60 * 1000


def _sign(key: bytes, nonce: str, user: User, issued: int) -> str:
    message = f"two-factor|{nonce}|{user.id}|{issued}|{user.password_hash}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def issue(key: bytes, nonce: str, user: User, now: int) -> str:
    return f"{user.id}.{now}.{_sign(key, nonce, user, now)}"


async def redeem(db: Database, key: bytes, nonce: str | None, token: str | None, now: int) -> User | None:
    """The user a live token was issued to in this browser, if still enabled; else None."""
    if not nonce or not token or len(token) > 200:
        return None
    user_id, issued, signature = (token.split(".") + ["", ""])[:3]
    if not (user_id.isascii() and user_id.isdigit() and issued.isascii() and issued.isdigit()):
        return None
    if not 0 <= now - int(issued) <= LIFETIME_MS or len(user_id) > 19:
        return None
    user = await user_store.get_user(db.reader, int(user_id))
    if user is None or user.is_disabled:
        return None
    return user if hmac.compare_digest(_sign(key, nonce, user, int(issued)), signature) else None

