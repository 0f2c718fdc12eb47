"""Mastodon client routes with little to do on redfed (layer 6), answered as Mastodon answers
them so that no app meets a 404: e-mail confirmation (accounts here are confirmed when made),
annual reports (none are made), identity proofs (gone from Mastodon, always empty), the peers
search of admin forms, and oEmbed for a public post's page."""

import re
from urllib.parse import urlsplit

from markupsafe import escape
from quart import Blueprint, jsonify

from ...errors import Forbidden, NotFound
from ...services import instance
from ...services.social import relationships, statuses
from ..context import runtime
from ..inputs import record_id
from .auth import optional_token, scope
from .params import Params

blueprint = Blueprint("api_leftover_routes", __name__)

_POST_PATH = re.compile(r"/(?:@[^/]+|users/[^/]+/statuses)/([0-9]{1,19})")


@blueprint.post("/api/v1/emails/confirmations")
@scope("write:accounts")
async def resend_confirmation():
    raise Forbidden("This method is only available while the e-mail is awaiting confirmation")


@blueprint.get("/api/v1/emails/check_confirmation")
@scope("read:accounts")
async def check_confirmation():
    return jsonify(True)


@blueprint.get("/api/v1/annual_reports")
@scope("read:accounts")
async def annual_reports():
    return {"annual_reports": [], "accounts": [], "statuses": []}


@blueprint.get("/api/v1/accounts/<account_id>/identity_proofs")
@optional_token
async def identity_proofs(account_id: str):
    await relationships.account(runtime().services, record_id(account_id))
    return []


@blueprint.get("/api/v1/peers/search")
@scope("read:search")
async def peers_search():
    prefix = Params.query().text("q", "", max_length=253).strip().lower()
    found = [domain for domain in await instance.peers(runtime().db) if prefix and domain.startswith(prefix)]
    return found[:10]


@blueprint.get("/api/oembed")
async def oembed():
    rt = runtime()
    url = Params.query().text("url", "", max_length=2000)
    parts = urlsplit(url)
    matched = _POST_PATH.fullmatch(parts.path)
    if f"{parts.scheme}://{parts.netloc}" != rt.urls.base or matched is None:
        raise NotFound("Record not found")
    post = await statuses.visible_post(rt.services, int(matched[1]), None)
    if post.visibility not in ("public", "unlisted") or not post.is_local:
        raise NotFound("Record not found")
    author = await relationships.account(rt.services, post.actor_id)
    html = (f'<blockquote class="redfed-embed" cite="{escape(post.url)}">{post.content}'
            f'<p>— <a href="{escape(author.url or author.uri)}">{escape(author.display_name or author.username)}</a> '
            f'(@{escape(author.username)}@{escape(rt.config.domain)})</p></blockquote>')
    return {
        "type": "rich", "version": "1.0", "title": f"New post by {author.display_name or author.username}",
        "author_name": author.display_name or author.username, "author_url": author.url or author.uri,
        "provider_name": rt.config.domain, "provider_url": rt.urls.base, "cache_age": 86400,
        "html": html, "width": 400, "height": None,
    }
