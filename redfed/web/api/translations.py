"""Translations (layer 6): /api/v1/statuses/:id/translate and /api/v1/instance/translation_languages."""

from quart import Blueprint

from ...services.languages import translation
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_translations", __name__)


@blueprint.post("/api/v1/statuses/<status_id>/translate")
@scope("read:statuses")
async def translate(status_id: str):
    params = await Params.read()
    reader = caller()
    target = params.text("lang", max_length=20) or (reader.user.locale if reader.user else "") or "en"
    done = await translation.translate(runtime().services, record_id(status_id), reader.actor, target)
    return entities.translation(done)


@blueprint.get("/api/v1/instance/translation_languages")
async def translation_languages():
    return await translation.languages(runtime().services)
