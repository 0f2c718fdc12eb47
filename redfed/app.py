"""The application factory (layer 7): one Quart app per Config, no globals."""

import asyncio
import contextlib
import logging
from importlib import resources

from quart import Quart

from .config import Config
from .db.errors import DATABASE_ERRORS
from .errors import RedfedError
from .instance import Instance
from .services.insights.views import ViewCounter
from .services.moderation import instance_settings
from .services.portability import job_runner
from .web import (activitypub, api, files, inbox, limits, listings, operations, pages, request_metrics,
                  response_documents, url_limits, wellknown)
from .web.context import Runtime
from .web.errors import register_error_handlers

log = logging.getLogger(__name__)


def create_app(config: Config, instance: Instance | None = None) -> Quart:
    """The web app of `instance` (made from `config` when not given). Its workers run inside the
    server when `workers.in_process` is set; otherwise `redfed worker` (or a test) drives them."""
    instance = instance or Instance(config)
    app = Quart(__name__, template_folder=str(resources.files("redfed._templates")))
    app.config["MAX_CONTENT_LENGTH"] = config.federation.max_inbox_bytes
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.before_request(url_limits.refuse_long_urls)
    faces = (wellknown, activitypub, inbox, listings, files, response_documents, operations)
    for blueprint in (*(face.blueprint for face in faces), *api.blueprints()):
        app.register_blueprint(blueprint)
    app.register_blueprint(pages.blueprint)
    register_error_handlers(app)
    app.asgi_app = _without_trailing_slash(app.asgi_app)
    limits.install(app, config.server)
    request_metrics.install(app, instance.metrics)
    workers: list[asyncio.Task] = []
    views = ViewCounter(config, instance.clock)

    @app.context_processor
    async def instance_context():
        # What the admin set on /admin/settings; the config's values on a page rendered before the
        # instance is up, or when the database cannot answer (an error page must still render).
        running = app.extensions.get("redfed")
        if running is None:
            return {"instance": instance_settings.defaults(config)}
        try:
            return {"instance": await instance_settings.current(running.db, config)}
        except (RedfedError, *DATABASE_ERRORS):
            return {"instance": instance_settings.defaults(config)}

    @app.before_serving
    async def start():
        await instance.start()
        app.extensions["redfed"] = Runtime(
            config, instance.db, instance.urls, instance.ctx, instance.wake, instance.metrics, views,
        )
        # Exports and imports run inside web processes (not in `redfed worker`), in whichever holds
        # a job's lease.
        await job_runner.resume(instance.ctx)
        workers.append(asyncio.create_task(job_runner.follow(instance.ctx), name="redfed-jobs"))
        if config.workers.in_process:
            workers.append(asyncio.create_task(instance.run_workers(), name="redfed-workers"))
        else:
            workers.append(asyncio.create_task(instance.follow_domain_blocks(), name="redfed-domain-blocks"))
        if views.enabled:
            workers.append(asyncio.create_task(views.run(instance.db), name="redfed-view-counts"))

    @app.after_serving
    async def stop():
        for task in workers:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await job_runner.stop(instance.ctx)
        await _flush_views(views, instance)
        await instance.close()

    return app


async def _flush_views(views: ViewCounter, instance: Instance) -> None:
    # The counts since the last flush; a stop that cannot write them loses them (as a crash would).
    try:
        await views.flush(instance.db)
    except (RedfedError, *DATABASE_ERRORS):
        log.warning("the view counts of the last %g s were lost at stop", instance.config.insights.flush_seconds)


def _without_trailing_slash(asgi_app):
    """Rails ignores a trailing slash and Mastodon clients send one (Mastodon.py asks for
    `/api/v2/instance/`): API paths are routed without it."""

    async def app(scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] in ("http", "websocket") and path.startswith(("/api/", "/oauth/")) and path.endswith("/"):
            scope = dict(scope, path=path.rstrip("/"), raw_path=path.rstrip("/").encode())
        await asgi_app(scope, receive, send)

    return app
