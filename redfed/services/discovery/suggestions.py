"""Follow suggestions (layer 4): accounts the viewer may want to follow, each with the reasons it
is offered (Mastodon's /api/v2/suggestions sources), and the ones the viewer dismissed."""

from dataclasses import dataclass

from ...models import Actor
from ...store import views as view_store
from ...store.discovery import suggestions as store
from ..context import Context

WINDOW_MS = 30 * 24 * 3600 * 1000  # "lately", for the server-wide sources
MAX_SUGGESTIONS = 80

# The single `source` of Mastodon before 4.3, which apps still read.
_LEGACY_SOURCE = {"friends_of_friends": "past_interactions", "most_followed": "global", "most_interactions": "global"}


@dataclass(frozen=True)
class Suggestion:
    account: Actor
    sources: tuple[str, ...]

    @property
    def source(self) -> str:
        return _LEGACY_SOURCE[self.sources[0]]


async def for_viewer(ctx: Context, viewer: Actor, limit: int) -> list[Suggestion]:
    """Accounts offered by any source, those of the more personal sources first, each once with
    every source that offered it."""
    since = ctx.now_ms() - WINDOW_MS
    reasons: dict[int, list[str]] = {}
    for source in store.SOURCES:
        for account_id in await store.scored(ctx.db.reader, source, viewer.id, since, limit):
            reasons.setdefault(account_id, []).append(source)
    ids = list(reasons)[:limit]
    found = await view_store.actors_by_ids(ctx.db.reader, ids)
    return [Suggestion(found[i], tuple(reasons[i])) for i in ids if i in found]


async def dismiss(ctx: Context, viewer: Actor, target: Actor) -> None:
    async with ctx.db.transaction() as conn:
        await store.dismiss(conn, viewer.id, target.id, ctx.now_ms())
