"""Static files shipped with redfed (default avatar and header) (layer 6)."""

from importlib import resources

from quart import Blueprint, send_from_directory

blueprint = Blueprint("files", __name__)

STATIC = resources.files("redfed") / "static"


@blueprint.get("/static/<path:name>")
async def static_file(name: str):
    response = await send_from_directory(str(STATIC), name)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
