"""Instance information (layer 6): /api/v1/instance, /api/v2/instance and their small siblings."""

from quart import Blueprint

from ... import __version__
from ...content import render_local_text
from ...services import instance
from ...services import privacy_policy as privacy
from ...services.moderation import instance_settings
from ..context import runtime
from . import entities

blueprint = Blueprint("api_instance", __name__)

# Clients parse the version to decide which features exist; claim the Mastodon release we follow.
MASTODON_VERSION = f"4.3.0 (compatible; redfed {__version__})"


def _configuration(config) -> dict:
    media = config.media
    return {
        "urls": {"streaming": config.base_url.replace("http", "ws", 1)},
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "statuses": {
            "max_characters": config.api.max_characters,
            "max_media_attachments": media.max_attachments,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": [
                "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/avif",
                "video/mp4", "video/webm", "video/quicktime", "audio/mpeg", "audio/ogg", "audio/wav",
                "audio/mp4", "audio/flac",
            ],
            "image_size_limit": media.max_image_bytes,
            "image_matrix_limit": media.max_image_pixels,
            "video_size_limit": media.max_video_bytes,
            "video_frame_rate_limit": int(media.max_video_fps),
            "video_matrix_limit": media.max_video_pixels,
        },
        "polls": {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300, "max_expiration": 2629746},
        "translation": {"enabled": bool(config.translation.provider)},
        "vapid": {"public_key": runtime().services.vapid.public_key},
    }


def _rules(settings: instance_settings.InstanceSettings) -> list[dict]:
    return [{"id": str(rule.id), "text": rule.text, "hint": rule.hint} for rule in settings.rules]


@blueprint.get("/api/v2/instance")
async def instance_v2():
    rt = runtime()
    figures = await instance.usage(rt.db)
    config = rt.config
    settings = await instance_settings.current(rt.db, config)
    return {
        "domain": config.domain,
        "title": settings.name,
        "version": MASTODON_VERSION,
        "api_versions": {"mastodon": 2},
        "source_url": "https://github.com/redfed/redfed",
        "description": settings.description,
        "usage": {"users": {"active_month": figures.users_active_month}},
        "thumbnail": {"url": f"{rt.urls.base}/static/header.png"},
        "languages": ["en", "zh"],
        "configuration": _configuration(config),
        "registrations": {
            "enabled": settings.registrations_open, "approval_required": settings.approval_required,
            "message": settings.sign_up_message or None, "url": None,
        },
        "contact": {"email": config.instance.contact_email, "account": None},
        "rules": _rules(settings),
    }


@blueprint.get("/api/v1/instance")
async def instance_v1():
    rt = runtime()
    figures = await instance.usage(rt.db)
    config = rt.config
    settings = await instance_settings.current(rt.db, config)
    return {
        "uri": config.domain,
        "title": settings.name,
        "short_description": settings.description,
        "description": settings.description,
        "email": config.instance.contact_email,
        "version": MASTODON_VERSION,
        "urls": {"streaming_api": config.base_url.replace("http", "ws", 1)},
        "stats": {"user_count": figures.users_total, "status_count": figures.local_posts, "domain_count": figures.domains},
        "thumbnail": f"{rt.urls.base}/static/header.png",
        "languages": ["en", "zh"],
        "registrations": settings.registrations_open,
        "approval_required": settings.approval_required,
        "invites_enabled": settings.invites_enabled,
        "configuration": _configuration(config),
        "contact_account": None,
        "rules": _rules(settings),
    }


@blueprint.get("/api/v1/instance/rules")
async def rules():
    rt = runtime()
    return _rules(await instance_settings.current(rt.db, rt.config))


@blueprint.get("/api/v1/instance/extended_description")
async def extended_description():
    rt = runtime()
    settings = await instance_settings.current(rt.db, rt.config)
    return {"updated_at": entities.iso(settings.updated_at), "content": render_local_text(settings.about)}


@blueprint.get("/api/v1/instance/privacy_policy")
async def privacy_policy():
    return {"updated_at": entities.iso(privacy.UPDATED), "content": render_local_text(privacy.TEXT)}


@blueprint.get("/api/v1/instance/languages")
async def languages():
    return [{"code": code, "name": name} for code, name in instance.languages()]


@blueprint.get("/api/v1/instance/peers")
async def peers():
    return await instance.peers(runtime().db)


@blueprint.get("/api/v1/instance/activity")
async def activity():
    return await instance.weekly_activity(runtime().db)
