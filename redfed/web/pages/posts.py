"""A post's page with its thread (layer 6): `/@<username>/<id>` for our own posts, `/posts/<id>` for
any post we store (remote ones link to their original).

The local URL is also the Note's `url`, so it answers ActivityPub clients with the Note, exactly
as the post's id does (services/objects.py: signed fetches, 404 for hidden posts, 410 with a
tombstone for deleted ones). Browsers see what the signed-in viewer may see, by the same rules as
the client API (services/social/threads.py).
"""

from quart import redirect, render_template, request

from ...errors import NotFound
from ...models import Actor, Post
from ...protocol import as2
from ...services import objects
from ...services.social import post_copies, relationships, threads
from ...services.supporters import posts as supporter_posts
from ..activitypub import activity_json, fetch_request
from ..context import runtime
from ..view_counts import post_viewed
from .cards import card, cards
from .common import blueprint, page, visit
from .polls import poll_of
from .translations import translation_context

MAX_ROW_ID = 2**63 - 1


def _wants_activitypub() -> bool:
    return as2.wants_activitypub(request.headers.get("Accept"))


@blueprint.errorhandler(objects.Deleted)
async def deleted(error: objects.Deleted):
    if _wants_activitypub():
        return activity_json(error.tombstone, error.status)
    return await render_template("error.html", status=error.status, message=error.message), error.status


@blueprint.get(f"/@<username>/<int(max={MAX_ROW_ID}):post_id>")
async def post_page(username: str, post_id: int):
    rt = runtime()
    if _wants_activitypub():
        view = await objects.find_post(rt.services, username, post_id, fetch_request())
        if view.boosted is not None:
            return redirect(view.boosted.uri)
        return activity_json(objects.note_of(view, rt.urls))
    current = await visit()
    try:
        post = await threads.local_post(rt.services, current.viewer, username, post_id)
    except NotFound:
        # A supporters-only post shows others a teaser: a line, and how to become a supporter.
        teaser = await supporter_posts.teaser(rt.services, username, post_id)
        if teaser is None:
            raise
        return await page("supporters_teaser.html", teaser=teaser)
    copy = await post_copies.copy_of(rt.services, post)
    if copy is not None:  # its author moved, and the post with them (services/social/post_copies.py)
        return redirect(copy.url or copy.uri)
    return await _page_of(post, current.viewer)


@blueprint.get(f"/posts/<int(max={MAX_ROW_ID}):post_id>")
async def known_post_page(post_id: int):
    """Any post we store, remote ones included: the thread around it, and a link to its original."""
    rt = runtime()
    current = await visit()
    post = await threads.known_post(rt.services, current.viewer, post_id)
    if post.is_local and post.reblog_of_id is None and post.url:
        return redirect(post.url)
    return await _page_of(post, current.viewer)


async def _followable(viewer: Actor | None, author: Actor) -> relationships.Relationship | None:
    """The viewer's relationship to the author, when the page offers to follow them: signed in,
    someone else, and neither blocking the other."""
    if viewer is None or viewer.id == author.id or author.type == "Application":
        return None
    [found] = await relationships.relationships(runtime().services, viewer, [author.id])
    return None if found.blocking or found.blocked_by else found


async def _page_of(post: Post, viewer: Actor | None):
    rt = runtime()
    if post.reblog_of_id is not None:
        # A boost has no page of its own: Mastodon sends browsers to the boosted post.
        original = await threads.boosted(rt.services, post)
        return redirect(original.url if original.is_local and original.url else f"/posts/{original.id}")
    thread = await threads.thread(rt.services, viewer, post)
    post_viewed(post, viewer)
    shown = card(thread.view, rt.urls)
    response = await page(
        "post.html", post=shown, ancestors=cards(thread.ancestors, rt.urls),
        replies=[(card(reply.view, rt.urls), reply.depth) for reply in thread.replies],
        author_relationship=await _followable(viewer, shown.author),
        poll=poll_of(shown.post, thread.view.own_votes, viewer.id if viewer else None, rt.services.now_ms()),
        **await translation_context(shown.post),
    )
    response.vary.add("Accept")
    return response
