"""Domain blocks in the Mastodon API (layer 6): the admin endpoints under
/api/v1/admin/domain_blocks (admins only, scopes admin:read:domain_blocks and
admin:write:domain_blocks) and the public list, /api/v1/instance/domain_blocks."""

from quart import Blueprint

from ...models import DomainBlock
from ...protocol import domains
from ...services.moderation import domain_blocks
from ...services.moderation.domain_blocks import AlreadyBlocked, BlockFields
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import moderator, scope
from .pagination import link_header, read_page
from .params import Params

blueprint = Blueprint("api_admin_domain_blocks", __name__)


def admin_block(block: DomainBlock) -> dict:
    """Admin::DomainBlock. redfed neither caches remote media nor refuses reports by domain (a
    suspended domain's Flags are dropped with all its activities), so reject_media and
    reject_reports are always false."""
    return {
        "id": str(block.id),
        "domain": block.domain,
        "digest": domains.digest(block.domain),
        "created_at": entities.iso(block.created_at),
        "severity": block.severity,
        "reject_media": False,
        "reject_reports": False,
        "private_comment": block.private_comment or None,
        "public_comment": block.public_comment or None,
        "obfuscate": block.obfuscate,
    }


def public_block(block: DomainBlock) -> dict:
    """DomainBlock, as /api/v1/instance/domain_blocks shows it."""
    return {
        "domain": domains.obfuscate(block.domain) if block.obfuscate else block.domain,
        "digest": domains.digest(block.domain),
        "severity": block.severity,
        "comment": block.public_comment or None,
    }


def _fields(params: Params, current: DomainBlock | None = None) -> BlockFields:
    """The posted fields; on an update, what is not sent stays as it is."""
    base = BlockFields(current.severity, current.public_comment, current.private_comment, current.obfuscate) \
        if current else BlockFields()
    limit = domain_blocks.MAX_COMMENT_CHARACTERS
    return BlockFields(
        severity=params.text("severity", base.severity, max_length=20) or base.severity,
        public_comment=params.text("public_comment", base.public_comment, max_length=limit) or "",
        private_comment=params.text("private_comment", base.private_comment, max_length=limit) or "",
        obfuscate=params.flag("obfuscate", base.obfuscate),
    )


@blueprint.get("/api/v1/admin/domain_blocks")
@scope("admin:read:domain_blocks")
async def index():
    moderator()
    page = read_page(default=100, maximum=200)
    found = await domain_blocks.page_of_blocks(runtime().services, page)
    return [admin_block(b) for b in found], 200, link_header([b.id for b in found])


@blueprint.get("/api/v1/admin/domain_blocks/<block_id>")
@scope("admin:read:domain_blocks")
async def show(block_id: str):
    moderator()
    return admin_block(await domain_blocks.get_block(runtime().services, record_id(block_id)))


@blueprint.post("/api/v1/admin/domain_blocks")
@scope("admin:write:domain_blocks")
async def create():
    moderator()
    params = await Params.read()
    try:
        block = await domain_blocks.block_domain(
            runtime().services, params.text("domain", "", max_length=300), _fields(params)
        )
    except AlreadyBlocked as conflict:
        return {"error": conflict.message, "existing_domain_block": admin_block(conflict.existing)}, 422
    return admin_block(block)


@blueprint.put("/api/v1/admin/domain_blocks/<block_id>")
@scope("admin:write:domain_blocks")
async def update(block_id: str):
    moderator()
    ctx = runtime().services
    current = await domain_blocks.get_block(ctx, record_id(block_id))
    return admin_block(await domain_blocks.update_block(ctx, current.id, _fields(await Params.read(), current)))


@blueprint.delete("/api/v1/admin/domain_blocks/<block_id>")
@scope("admin:write:domain_blocks")
async def delete(block_id: str):
    moderator()
    await domain_blocks.lift_block(runtime().services, record_id(block_id))
    return {}


@blueprint.get("/api/v1/instance/domain_blocks")
async def public_list():
    """Public, as on an instance whose admin chose to show its blocks to everyone."""
    return [public_block(b) for b in await domain_blocks.list_blocks(runtime().services)]
