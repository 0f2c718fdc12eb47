"""Where a moved post went (layer 4). When an account moved away from here and its posts were
re-created on the new account (services/portability/outbox_import.py on a redfed server), each copy's Note
names the old post in `importedFrom`. This server learns the mapping when it stores such a copy -
fetched for a search, a reply or a boost, or a new follow's backfill; it never goes looking on
its own - and then sends browsers asking for the old post to the copy.

A copy is believed only from the account the old one says it moved to (its `movedTo`, which our
own move set after the new account aliased the old one): anyone else's Note claiming to be a copy
of our post changes nothing.
"""

from ...federation import imported
from ...models import Actor, Post
from ...store import actors as actor_store
from ...store import posts as post_store
from ...store.social import post_copies as store
from ..context import Context


async def note_copy(ctx: Context, conn, copy: Post, doc: dict, author: Actor) -> bool:
    """Inside the transaction storing the remote post `copy` (from Note `doc` by `author`):
    record it as the copy of the local post its Note names, when that post's author moved to
    `author`. True when it was recorded."""
    origin = imported.imported_from(doc)
    if origin is None or not ctx.urls.is_local(origin):
        return False
    old = await post_store.find_post_by_uri(conn, origin)
    if old is None or not old.is_local or old.reblog_of_id is not None:
        return False
    old_author = await actor_store.get_actor(conn, old.actor_id)
    if old_author is None or old_author.moved_to_uri != author.uri:
        return False
    await store.record(conn, old.id, copy.id, ctx.now_ms())
    return True


async def copy_of(ctx: Context, post: Post) -> Post | None:
    """The copy of the local post `post` on its moved author's new account, when known here."""
    return await store.copy_of(ctx.db.reader, post.id) if post.is_local else None
