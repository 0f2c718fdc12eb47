"""The application factory (layer 7): one Quart app per Config, no globals."""

import logging
from importlib import resources

from quart import Quart

from .config import Config
from .db.connection import Database
from .db.migrate import migrate_database
from .services import accounts
from .urls import Urls
from .web import activitypub, pages, wellknown
from .web.context import Runtime, runtime
from .web.errors import register_error_handlers

log = logging.getLogger(__name__)


def create_app(config: Config) -> Quart:
    app = Quart(__name__, template_folder=str(resources.files("redfed._templates")))
    db = Database(config.database_path)
    app.extensions["redfed"] = Runtime(config=config, db=db, urls=Urls(config))
    app.config["MAX_CONTENT_LENGTH"] = config.federation.max_inbox_bytes
    app.json.sort_keys = False
    app.json.ensure_ascii = False

    for blueprint in (wellknown.blueprint, activitypub.blueprint, pages.blueprint):
        app.register_blueprint(blueprint)
    register_error_handlers(app)

    @app.context_processor
    async def instance_context():
        return {"instance": runtime().config.instance}

    @app.before_serving
    async def open_database():
        applied = await migrate_database(config.database_path)
        await db.open()
        if applied:
            log.info("applied migrations %s", ", ".join(f"{m.version:04d}_{m.name}" for m in applied))
        await accounts.ensure_instance_actor(db, config)

    @app.after_serving
    async def close_database():
        await db.close()

    return app
