"""Announcements (layer 4): admins publish them, now or from a later moment, optionally until an
end; each account sees those shown at the time, marks them read (Mastodon's `dismiss`) and reacts
with a Unicode emoji or one of the instance's custom emoji.
"""

import unicodedata
from dataclasses import dataclass

from ...content import render_local_text
from ...db.api import Database
from ...errors import NotFound, Unprocessable
from ...models import Actor
from ...store.announcements import announcements as store
from ...store.announcements.announcements import Announcement, Reaction
from ...store.emoji import emojis as emoji_store
from ...store.emoji.emojis import CustomEmoji

MAX_TEXT = 5_000
MAX_REACTION = 64
NOT_FOUND = "Record not found"


@dataclass(frozen=True)
class AnnouncementView:
    announcement: Announcement
    read: bool
    reactions: tuple[Reaction, ...]
    custom: dict[str, CustomEmoji]  # the custom emoji among the reactions, by shortcode


async def publish(
    db: Database, text: str, now: int, *, published_at: int | None = None, starts_at: int | None = None,
    ends_at: int | None = None, all_day: bool = False,
) -> Announcement:
    """A new announcement, shown from `published_at` (now when None) until `ends_at` (if any)."""
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise Unprocessable(f"Text must be 1-{MAX_TEXT} characters")
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        raise Unprocessable("The end must not come before the start")
    shown_from = now if published_at is None else published_at
    announcement = Announcement(0, text, render_local_text(text), starts_at, ends_at, all_day, shown_from, now, now)
    async with db.transaction() as conn:
        return await store.insert(conn, announcement)


async def withdraw(db: Database, announcement_id: int) -> None:
    async with db.transaction() as conn:
        if not await store.delete(conn, announcement_id):
            raise NotFound(NOT_FOUND)


async def list_all(db: Database) -> list[Announcement]:
    return await store.list_all(db.reader)


async def shown_to(db: Database, viewer: Actor, now: int, *, with_dismissed: bool = False) -> list[AnnouncementView]:
    """What `viewer` sees now; read ones only `with_dismissed`."""
    shown = await store.list_shown(db.reader, now)
    ids = [a.id for a in shown]
    read = await store.dismissed(db.reader, viewer.id, ids)
    reactions = await store.reactions(db.reader, viewer.id, ids)
    names = {r.name for found in reactions.values() for r in found}
    custom = {e.shortcode: e for e in await emoji_store.list_local(db.reader, sorted(names))}
    return [
        AnnouncementView(a, a.id in read, tuple(reactions.get(a.id, ())), custom)
        for a in shown if with_dismissed or a.id not in read
    ]


async def dismiss(db: Database, viewer: Actor, announcement_id: int, now: int) -> None:
    await _shown(db, announcement_id, now)
    async with db.transaction() as conn:
        await store.dismiss(conn, announcement_id, viewer.id)


async def react(db: Database, viewer: Actor, announcement_id: int, name: str, now: int) -> None:
    await _shown(db, announcement_id, now)
    if not _is_emoji(name) and await emoji_store.find_local(db.reader, name) is None:
        raise Unprocessable("Validation failed: Name is not a recognized emoji")
    async with db.transaction() as conn:
        await store.add_reaction(conn, announcement_id, viewer.id, name, now)


async def unreact(db: Database, viewer: Actor, announcement_id: int, name: str, now: int) -> None:
    await _shown(db, announcement_id, now)
    async with db.transaction() as conn:
        await store.remove_reaction(conn, announcement_id, viewer.id, name)


async def _shown(db: Database, announcement_id: int, now: int) -> Announcement:
    for announcement in await store.list_shown(db.reader, now):
        if announcement.id == announcement_id:
            return announcement
    raise NotFound(NOT_FOUND)


# Joiners and modifiers inside one emoji: ZWJ, variation selectors, skin tones, keycap, tags.
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}


def _is_emoji(name: str) -> bool:
    """One Unicode emoji (possibly a joined sequence): symbols and their modifiers, nothing else."""
    if not name or len(name) > MAX_REACTION:
        return False
    kinds = [unicodedata.category(ch) for ch in name]
    allowed = all(k in ("So", "Sk", "Mn") or ch in _JOINERS or 0xE0020 <= ord(ch) <= 0xE007F for ch, k in zip(name, kinds))
    # One base symbol; more only when joined (👩‍🍳) or a flag's two regional indicators.
    bases = [ch for i, (ch, k) in enumerate(zip(name, kinds)) if k == "So" and (i == 0 or name[i - 1] != "\u200d")]
    flag = len(bases) == 2 and all(0x1F1E6 <= ord(ch) <= 0x1F1FF for ch in bases)
    return allowed and (len(bases) == 1 or flag)
