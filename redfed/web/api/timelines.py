"""Timelines (layer 6): home, public, tag, favourites and bookmarks, paginated as Mastodon."""

from quart import Blueprint

from ...errors import Unprocessable
from ...services import views
from ...services.social import filters, timelines
from ..context import runtime
from ..view_counts import posts_listed
from . import entities
from .auth import caller, optional_token, scope, viewer
from .pagination import link_header, read_page
from .params import Params

blueprint = Blueprint("api_timelines", __name__)
MAX_TAG = 200  # characters: longer than any hashtag we store


async def render(posts, link_ids: list[int] | None = None, context: str | None = None, seen_from: str | None = None):
    """Statuses as entities, the viewer's filters of `context` applied (`hide` ones dropped, the
    others reported in `filtered`), with the Link header Mastodon clients page by. With
    `seen_from`, a signed-in reader's views of the local posts shown are counted (insights)."""
    rt, me = runtime(), viewer()
    shown = await views.status_views(rt.db, posts, me)
    matched = {}
    if me is not None and context is not None:
        matched = await filters.filter_results(rt.db, me.id, context, shown, now=rt.services.now_ms())
        shown = [v for v in shown if not filters.hides(matched.get(v.post.id, []))]
    if me is not None and seen_from is not None:
        posts_listed(shown, me, seen_from)
    rendered = entities.each_rendered(shown, lambda v: {**entities.status(v, rt.urls), "filtered": matched.get(v.post.id, [])})
    # Paging goes by what the page held before filtering, so no post is skipped.
    return rendered, 200, link_header(link_ids if link_ids is not None else [p.id for p in posts])


@blueprint.get("/api/v1/timelines/home")
@scope("read:statuses")
async def home():
    return await render(await timelines.home(runtime().services, caller().actor, read_page()), context="home", seen_from="home")


@blueprint.get("/api/v1/timelines/public")
@optional_token
async def public():
    params = Params.query()
    posts = await timelines.public(
        runtime().services, viewer(), read_page(), local=params.flag("local", False), remote=params.flag("remote", False),
        only_media=params.flag("only_media", False),
    )
    return await render(posts, context="public", seen_from="explore")


@blueprint.get("/api/v1/timelines/tag/<name>")
@optional_token
async def tag(name: str):
    if not name.strip("#"):
        raise Unprocessable("Validation failed: a tag is needed")
    if len(name) > MAX_TAG:
        raise Unprocessable(f"Validation failed: a tag is at most {MAX_TAG} characters")
    params = Params.query()
    posts = await timelines.tag(
        runtime().services, viewer(), name, read_page(), any_of=params.strings("any", 20),
        all_of=params.strings("all", 20), none_of=params.strings("none", 20), local=params.flag("local", False),
    )
    return await render(posts, context="public", seen_from="hashtag")


@blueprint.get("/api/v1/favourites")
@scope("read:favourites")
async def favourites():
    rows = await timelines.favourites(runtime().services, caller().actor, read_page())
    return await render([post for _, post in rows], [row_id for row_id, _ in rows])


@blueprint.get("/api/v1/bookmarks")
@scope("read:bookmarks")
async def bookmarks():
    rows = await timelines.bookmarks(runtime().services, caller().actor, read_page())
    return await render([post for _, post in rows], [row_id for row_id, _ in rows])
