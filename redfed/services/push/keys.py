"""The instance's VAPID key pair (layer 4): made on first start, shared by every process through
the database, since a subscription is bound to the public key the app saw."""

from ...db.api import Database
from ...protocol.webpush import VapidKey
from ...store import instance as instance_store

SECRET_NAME = "vapid_private_key"


async def instance_vapid_key(db: Database) -> VapidKey:
    async with db.transaction() as conn:
        return VapidKey(await instance_store.shared_secret(conn, SECRET_NAME, VapidKey.generate()))
