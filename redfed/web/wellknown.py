"""Discovery (layer 6): WebFinger, host-meta and NodeInfo."""

from quart import Blueprint, Response, request

from .. import __version__
from ..errors import BadRequest
from ..protocol import webfinger
from ..services import instance
from ..services.accounts import accounts
from ..services.discovery import remote_interaction
from ..services.moderation import instance_settings
from . import inputs
from .context import runtime

blueprint = Blueprint("wellknown", __name__)

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/{version}"
CORS = {"Access-Control-Allow-Origin": "*"}


@blueprint.get("/.well-known/webfinger")
async def webfinger_lookup():
    rt = runtime()
    given = inputs.url_encoded(request.query_string).get("resource", [])
    if len(given) > 1:
        raise BadRequest("resource must be given once")
    resource = webfinger.parse_resource(given[0] if given else None)
    actor = await accounts.find_actor_for_resource(rt.db, rt.config, resource)
    profile_url = None if actor.type == "Application" else actor.url
    jrd = webfinger.build_jrd(
        subject=f"acct:{actor.handle}",
        actor_uri=actor.uri,
        profile_url=profile_url,
        interaction_template=remote_interaction.subscribe_template(rt.urls.base),
        intents=None if actor.type == "Application" else remote_interaction.published_intents(rt.urls.base),
    )
    return jrd, 200, {"Content-Type": webfinger.JRD_CONTENT_TYPE, **CORS}


@blueprint.get("/.well-known/host-meta")
async def host_meta():
    template = f"{runtime().urls.base}/.well-known/webfinger?resource={{uri}}"
    if "json" in request.headers.get("Accept", ""):
        return _host_meta_json(template)
    xrd = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{template}"/>\n'
        "</XRD>\n"
    )
    return Response(xrd, content_type="application/xrd+xml; charset=utf-8", headers=CORS)


@blueprint.get("/.well-known/host-meta.json")
async def host_meta_json():
    return _host_meta_json(f"{runtime().urls.base}/.well-known/webfinger?resource={{uri}}")


def _host_meta_json(template: str):
    return {"links": [{"rel": "lrdd", "template": template}]}, 200, CORS


@blueprint.get("/.well-known/nodeinfo")
async def nodeinfo_links():
    base = runtime().urls.base
    links = [
        {"rel": NODEINFO_SCHEMA.format(version=v), "href": f"{base}/nodeinfo/{v}"} for v in ("2.0", "2.1")
    ]
    return {"links": links}, 200, CORS


@blueprint.get("/nodeinfo/<any('2.0', '2.1'):version>")
async def nodeinfo(version: str):
    rt = runtime()
    figures = await instance.usage(rt.db)
    settings = await instance_settings.current(rt.db, rt.config)
    software = {"name": "redfed", "version": __version__}
    if version == "2.1":
        software["homepage"] = rt.urls.base
    doc = {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": settings.registrations_open,
        "usage": {
            "users": {
                "total": figures.users_total,
                "activeMonth": figures.users_active_month,
                "activeHalfyear": figures.users_active_halfyear,
            },
            "localPosts": figures.local_posts,
        },
        # Apps built on megalodon (Whalebird, Fedistar) pick their API by `upstream` when they do
        # not know `software.name`: ours is Mastodon's client API (with Pleroma's reactions).
        "metadata": {"nodeName": settings.name, "nodeDescription": settings.description, "upstream": {"name": "mastodon"}},
    }
    content_type = f'application/json; profile="{NODEINFO_SCHEMA.format(version=version)}#"'
    return doc, 200, {"Content-Type": content_type, **CORS}
