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
        # Media in a bucket with a public address are fetched from it (the CDN's or the bucket's),
        # under the object names objectstore gives them (media/ + key).
        public = config.media.public_base_url.rstrip("/") if config.media.storage == "s3" else ""
        self._media_base = f"{public}/media" if public else f"{self.base}/media"

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
    def supporters(actor_uri: str) -> str:
        """Whom supporters-only posts are addressed to; never served (its members are private)."""
        return f"{actor_uri}/supporters"

    @staticmethod
    def following(actor_uri: str) -> str:
        return f"{actor_uri}/following"

    @staticmethod
    def featured(actor_uri: str) -> str:
        return f"{actor_uri}/collections/featured"

    @staticmethod
    def featured_tags(actor_uri: str) -> str:
        return f"{actor_uri}/collections/tags"

    @staticmethod
    def post(actor_uri: str, post_id: int) -> str:
        return f"{actor_uri}/statuses/{post_id}"

    def post_page(self, username: str, post_id: int) -> str:
        return f"{self.base}/@{username}/{post_id}"

    def tag(self, name: str) -> str:
        return f"{self.base}/tags/{name}"

    def activity(self, activity_id: int) -> str:
        """Ids for activities that are not the life of a post (follows, likes, undos, blocks)."""
        return f"{self.base}/activities/{activity_id}"

    def media(self, file_key: str) -> str:
        return f"{self._media_base}/{file_key}"

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
