"""The streams a subscriber may ask for (layer 4, pure), named and checked as Mastodon's
streaming server does."""

from dataclasses import dataclass

from ....errors import BadRequest

PUBLIC_CHANNELS = frozenset({
    "public", "public:media", "public:local", "public:local:media", "public:remote", "public:remote:media",
    "hashtag", "hashtag:local",
})
CHANNELS = PUBLIC_CHANNELS | {"user", "user:notification", "list", "direct"}
# Channels that carry statuses as timelines show them (direct carries conversations instead).
STATUS_CHANNELS = CHANNELS - {"user:notification", "direct"}


@dataclass(frozen=True)
class Channel:
    name: str
    param: str | None = None  # the tag of a hashtag stream, the list id of a list stream

    @property
    def stream(self) -> tuple[str, ...]:
        return (self.name, self.param) if self.param is not None else (self.name,)

    @property
    def required_scope(self) -> str | None:
        """Mastodon's checkScopes: none for public streams; `read` or the narrower scope otherwise."""
        if self.name in PUBLIC_CHANNELS:
            return None
        return "read:notifications" if self.name == "user:notification" else "read:statuses"

    @property
    def filter_context(self) -> str:
        """The filter context of the timeline this stream follows."""
        return "home" if self.name in ("user", "list") else "public"


def channel(name: str | None, *, tag: str | None = None, list_id: str | None = None) -> Channel:
    """A stream name and its parameter, checked as Mastodon's streaming server words its errors."""
    if name not in CHANNELS:
        raise BadRequest("Unknown stream type")
    if name.startswith("hashtag"):
        tag = (tag or "").strip().lstrip("#").lower()
        if not tag:
            raise BadRequest("No tag for stream provided")
        return Channel(name, tag)
    if name == "list":
        if not (list_id or "").strip().isdigit() or len(list_id.strip()) > 19:
            raise BadRequest("No list for stream provided")
        return Channel(name, list_id.strip())
    return Channel(name)
