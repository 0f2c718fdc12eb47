"""The about page (layer 6): what the admin wrote about the server, its rules, who runs it and
how to join. `/about/more` is where the instance actor's `url` points, as on Mastodon."""

from ...services import instance
from ...services import privacy_policy
from ..context import runtime
from .common import blueprint, page, visit


@blueprint.get("/about")
@blueprint.get("/about/more")
async def about():
    rt = runtime()
    await visit()
    return await page("about.html", usage=await instance.usage(rt.db), domain=rt.config.domain)


@blueprint.get("/privacy-policy")
async def privacy():
    await visit()
    paragraphs = [p.strip() for p in privacy_policy.TEXT.split("\n\n") if p.strip()]
    return await page("privacy_policy.html", paragraphs=paragraphs, updated=privacy_policy.UPDATED)
