"""What lets a phone install the site (layer 6): the web app manifest, named after the instance, with
the icons shipped in redfed/static/."""

import json

from quart import Response

from ...services.moderation import instance_settings
from ..context import runtime
from .common import blueprint

ICONS = [
    {"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml"},
    {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
]


@blueprint.get("/manifest.webmanifest")
async def manifest():
    rt = runtime()
    settings = await instance_settings.current(rt.db, rt.config)
    document = {
        "name": settings.name, "short_name": settings.name[:12], "description": settings.description,
        "start_url": "/home", "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#d6002f", "icons": ICONS,
    }
    response = Response(json.dumps(document, ensure_ascii=False), content_type="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
