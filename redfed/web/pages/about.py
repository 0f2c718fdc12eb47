"""The about page (layer 6): what the admin wrote about the server, its rules, who runs it and
how to join. `/about/more` is where the instance actor's `url` points, as on Mastodon."""

from ...services import instance
from ..context import runtime
from .common import blueprint, page, visit


@blueprint.get("/about")
@blueprint.get("/about/more")
async def about():
    rt = runtime()
    await visit()
    return await page("about.html", usage=await instance.usage(rt.db), domain=rt.config.domain)
