"""Pages anyone can read (layer 6): the landing page, explore, and profiles with their follow
button. The profile URL also answers ActivityPub clients with the actor document."""

from quart import redirect, request

from ...content import html_to_text
from ...protocol import as2
from ...services import instance
from ...services.accounts import accounts, payment_links
from ...services.discovery import featured
from ...services.emoji import emojis as custom_emojis
from ...services.groups import groups
from ...services.portability import moves
from ...services.social import endorsements, follows, showcase
from ..activitypub import actor_response
from ..context import runtime
from ..view_counts import posts_listed, profile_viewed
from .cards import cards
from .groups import group_page
from .common import blueprint, check_csrf, form, page, safe_next, see_other, signed_in, visit

LANDING_PHOTOS = 24
SHOWN_ENDORSED = 12  # the accounts a profile features, as Mastodon's profile shows them


@blueprint.get("/")
async def landing():
    rt = runtime()
    current = await visit()
    posts = await showcase.recent_photo_posts(rt.services, current.viewer, limit=LANDING_PHOTOS)
    return await page("landing.html", usage=await instance.usage(rt.db), cards=cards(posts, rt.urls))


@blueprint.get("/explore")
async def explore():
    rt = runtime()
    current = await visit()
    scope = "federated" if request.args.get("scope") == "federated" else "local"
    posts = await showcase.recent_photo_posts(rt.services, current.viewer, local=scope == "local")
    posts_listed(posts, current.viewer, "explore")
    return await page("explore.html", scope=scope, cards=cards(posts, rt.urls))


@blueprint.get("/@<username>")
async def profile(username: str):
    rt = runtime()
    actor = await accounts.find_local_actor(rt.db, rt.config, username)
    if as2.wants_activitypub(request.headers.get("Accept")):
        return await actor_response(actor)
    if actor.moved_to_uri is not None:
        # The account lives elsewhere now: its profile sends people there (Mastodon shows a notice).
        home = await moves.new_home(rt.services, actor)
        response = redirect((home.url or home.uri) if home else actor.moved_to_uri, 302)
        response.vary.add("Accept")
        return response
    current = await visit()
    group = await groups.find(rt.services, actor)
    if group is not None:
        response = await group_page(group, current)
        response.vary.add("Accept")
        return response
    shown = await showcase.profile(rt.services, current.viewer, actor, request.args.get("tab", "posts"))
    profile_viewed(actor, current.viewer)
    response = await page(
        "profile.html", actor=actor, profile=shown, cards=cards(shown.posts, rt.urls),
        summary_text=html_to_text(actor.summary), payment_links=await payment_links.links_of(rt.services, actor),
        featured_tags=await featured.list_for(rt.services, actor),
        endorsed=await endorsements.endorsed(rt.services, actor, SHOWN_ENDORSED),
        emojis=await custom_emojis.named_in(rt.db, actor.display_name, actor.summary_source),
    )
    response.vary.add("Accept")
    return response


@blueprint.post("/@<username>/<any(follow, unfollow):action>")
async def follow(username: str, action: str):
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    target = await accounts.find_local_actor(rt.db, rt.config, username)
    if action == "follow":
        await follows.follow(rt.services, viewer, target)
    else:
        await follows.unfollow(rt.services, viewer, target)
    return see_other(safe_next(fields.get("next"), f"/@{target.username}"))
