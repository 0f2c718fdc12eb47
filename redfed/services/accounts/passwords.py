"""Password hashing with Argon2id (layer 4).

Argon2 is memory-hard by design and takes tens of milliseconds, so hashing runs in a thread and
never blocks the event loop. Its cost is the process's, set once from the config when the
instance opens (`configure`); every hash records its own cost, so verifying needs none.
"""

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ...config import SecurityConfig

_hasher = PasswordHasher()


def configure(security: SecurityConfig) -> None:
    global _hasher
    _hasher = PasswordHasher(time_cost=security.password_hash_iterations, memory_cost=security.password_hash_memory_kib)

MIN_LENGTH = 8
MAX_LENGTH = 1024


def generate_password() -> str:
    return secrets.token_urlsafe(18)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
