"""An account's preferences as Mastodon apps read them (layer 4): posting defaults from the user's
settings; reading preferences are Mastodon's defaults, which redfed does not let users change yet.
And how the web shows the account's home feed (a list or a grid)."""

from ...db.api import Database
from ...errors import NotFound, Unprocessable
from ...models import VISIBILITIES, Actor
from ...store.accounts import preferences as store

HOME_LAYOUTS = ("list", "grid")


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


async def posting_defaults(db: Database, author: Actor) -> store.PostingDefaults:
    return await store.posting_defaults(db.reader, author.id) or store.PostingDefaults("public", False, None)


async def set_posting_defaults(
    db: Database, author: Actor, *, visibility: str | None = None, sensitive: bool | None = None, language: str | None = None,
) -> None:
    """Mastodon's source[privacy], source[sensitive] and source[language]; a language of "" clears it."""
    if visibility is not None and visibility not in VISIBILITIES:
        raise Unprocessable(f"Validation failed: privacy must be one of {', '.join(VISIBILITIES)}")
    if language and not (2 <= len(language) <= 8 and language.replace("-", "").isalpha() and language.isascii()):
        raise Unprocessable("Validation failed: language must be a language code")
    async with db.transaction() as conn:
        await store.set_posting_defaults(conn, author.id, visibility, sensitive, language or None)
        if language == "":
            await store.clear_default_language(conn, author.id)


async def home_layout(db: Database, viewer: Actor) -> str:
    found = await store.home_layout(db.reader, viewer.id)
    return found if found in HOME_LAYOUTS else HOME_LAYOUTS[0]


async def set_home_layout(db: Database, viewer: Actor, layout: str) -> None:
    if layout not in HOME_LAYOUTS:
        raise Unprocessable(f"Validation failed: layout must be one of {', '.join(HOME_LAYOUTS)}")
    async with db.transaction() as conn:
        await store.set_home_layout(conn, viewer.id, layout)
