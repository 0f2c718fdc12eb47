"""Sealing small secrets (TOTP seeds) before they are stored (layer 4).

The key is derived from the instance's secret key, so a copy of the tables that hold the sealed
values (a partial dump, a user-data export, a leaked backup of one table) does not give the
secrets away. The instance's secret key itself is kept in `instance_secrets` for processes on
other machines, so a dump of the whole database does hold both: this is a guard against partial
leaks, not against a full one.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"redfed two-factor secrets v1"


def _fernet(secret_key: bytes) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key)
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret_key: bytes, value: str) -> str:
    return _fernet(secret_key).encrypt(value.encode()).decode()


def unseal(secret_key: bytes, sealed: str) -> str | None:
    """The value, or None when it was sealed under another key (the secret key was replaced)."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None
