"""An account's preferences as Mastodon apps read them (layer 4): posting defaults from the user's
settings; reading preferences are Mastodon's defaults, which redfed does not let users change yet."""

from ..db.connection import Database
from ..errors import NotFound
from ..models import Actor
from ..store import preferences as store


async def preferences(db: Database, viewer: Actor) -> dict[str, str | bool | None]:
    defaults = await store.posting_defaults(db.reader, viewer.id)
    if defaults is None:
        raise NotFound("Record not found")
    return {
        "posting:default:visibility": defaults.visibility,
        "posting:default:sensitive": defaults.sensitive,
        "posting:default:language": defaults.language,
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    }
