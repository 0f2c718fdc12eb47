"""Every canonical URL redfed mints, and reading our own URLs back (layer 0).

Shapes follow Mastodon's (`/users/NAME`, `/@NAME`, `/inbox`) so links look familiar and tools that
guess at them keep working.
"""

from urllib.parse import urlsplit

from .config import Config

INSTANCE_ACTOR_PATH = "/actor"


class Urls:
    def __init__(self, config: Config):
        self.base = config.base_url.rstrip("/")

    def actor(self, username: str) -> str:
        return f"{self.base}/users/{username}"

    def instance_actor(self) -> str:
        return self.base + INSTANCE_ACTOR_PATH

    @staticmethod
    def main_key(actor_uri: str) -> str:
        return f"{actor_uri}#main-key"

    @staticmethod
    def ed25519_key(actor_uri: str) -> str:
        return f"{actor_uri}#ed25519-key"

    @staticmethod
    def inbox(actor_uri: str) -> str:
        return f"{actor_uri}/inbox"

    @staticmethod
    def outbox(actor_uri: str) -> str:
        return f"{actor_uri}/outbox"

    @staticmethod
    def followers(actor_uri: str) -> str:
        return f"{actor_uri}/followers"

    @staticmethod
    def following(actor_uri: str) -> str:
        return f"{actor_uri}/following"

    @staticmethod
    def featured(actor_uri: str) -> str:
        return f"{actor_uri}/collections/featured"

    def shared_inbox(self) -> str:
        return f"{self.base}/inbox"

    def profile_page(self, username: str) -> str:
        return f"{self.base}/@{username}"

    def is_local(self, url: str) -> bool:
        return url == self.base or url.startswith(self.base + "/")

    def local_username(self, actor_uri: str) -> str | None:
        """The username in one of our actor URLs or profile page URLs, else None."""
        if not self.is_local(actor_uri):
            return None
        path = urlsplit(actor_uri).path
        for prefix in ("/users/", "/@"):
            if path.startswith(prefix):
                name = path[len(prefix):]
                return name if name and "/" not in name else None
        return None
