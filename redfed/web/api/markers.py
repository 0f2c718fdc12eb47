"""Read markers (layer 6): /api/v1/markers."""

from quart import Blueprint

from ...services.social import markers
from ...store.social.markers import Marker
from ..context import runtime
from . import entities
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_markers", __name__)


def _markers(found: list[Marker]) -> dict:
    return {
        m.timeline: {"last_read_id": m.last_read_id, "version": m.version, "updated_at": entities.iso(m.updated_at)}
        for m in found
    }


@blueprint.get("/api/v1/markers")
@scope("read:statuses")
async def index():
    params = await Params.read()
    return _markers(await markers.get_markers(runtime().db, caller().actor, params.strings("timeline")))


@blueprint.post("/api/v1/markers")
@scope("write:statuses")
async def save():
    params = await Params.read()
    positions = {}
    for timeline in markers.TIMELINES:
        # JSON sends {"home": {"last_read_id": …}}; forms send home[last_read_id]=….
        value = params.nested(timeline).text("last_read_id", max_length=40)
        if value is not None:
            positions[timeline] = value
    found = await markers.set_markers(runtime().db, caller().actor, positions, runtime().services.now_ms())
    return _markers(found)
