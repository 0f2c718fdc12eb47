"""An admin's domain blocks (layer 4): create, change and lift them, and enforce them in the same
transaction, as Mastodon's BlockDomainService and UnblockDomainService do.

- `suspend`: every follow between our accounts and the domain's is cut (each affected local account
  gets a `severed_relationships` notification), the domain's accounts are marked suspended (gone
  from timelines, search and lookups), and deliveries queued to it are dropped. From then on the
  inbox refuses it and nothing of ours fetches from or delivers to it (federation.domain_policy).
- `silence`: the domain's accounts are marked silenced: their posts reach their followers only,
  and their notifications only those who follow them.
- Lifting a block clears the marks it made; severed follows stay severed, as on Mastodon.

The marks carry the block's created_at, so that lifting clears exactly those and never a
moderator's own suspension of one account.
"""

from dataclasses import dataclass, replace

from ...db.api import Connection
from ...errors import NotFound, Unprocessable
from ...federation.domain_policy import SILENCE, SUSPEND
from ...models import DomainBlock
from ...protocol.domains import authority_of, normalise_domain, parents
from ...store.id_pages import IdRange
from ...store.moderation import domain_blocks as store
from ...store.moderation import severances
from ..context import Context

SEVERITIES = (SILENCE, SUSPEND)
MAX_COMMENT_CHARACTERS = 1000
NOT_FOUND = "Record not found"


class AlreadyBlocked(Unprocessable):
    """The domain, or a parent of it, is already blocked at least as strictly (Mastodon's 422)."""

    def __init__(self, existing: DomainBlock):
        super().__init__(f"You have already imposed stricter limits on {existing.domain}.")
        self.existing = existing


@dataclass(frozen=True)
class BlockFields:
    """What an admin sets on a block; the domain itself never changes once blocked."""

    severity: str = SILENCE
    public_comment: str = ""
    private_comment: str = ""
    obfuscate: bool = False


async def list_blocks(ctx: Context) -> list[DomainBlock]:
    """Every block, by domain: the admin page and the public list."""
    return await store.list_all(ctx.db.reader)


async def page_of_blocks(ctx: Context, page: IdRange) -> list[DomainBlock]:
    return await store.list_page(ctx.db.reader, page)


async def get_block(ctx: Context, block_id: int) -> DomainBlock:
    found = await store.get(ctx.db.reader, block_id)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


async def find_block(ctx: Context, domain: str) -> DomainBlock:
    """The block on exactly this domain (as typed, normalised)."""
    found = await store.find_by_domains(ctx.db.reader, [normalise_domain(domain)])
    if not found:
        raise NotFound(f"{domain} is not blocked")
    return found[0]


async def block_domain(ctx: Context, domain: str, fields: BlockFields) -> DomainBlock:
    domain = normalise_domain(domain)
    _check_fields(fields)
    if any(name == domain for name in parents(authority_of(ctx.config.domain))):
        raise Unprocessable("Validation failed: Domain is this server's own")
    now = ctx.now_ms()
    async with ctx.db.transaction() as conn:
        for existing in await store.find_by_domains(conn, parents(domain)):
            if existing.domain == domain or existing.severity == SUSPEND or fields.severity == SILENCE:
                raise AlreadyBlocked(existing)
        block = await store.insert(
            conn, domain, fields.severity, fields.public_comment, fields.private_comment, fields.obfuscate, now
        )
        await _enforce(conn, block, now)
        blocks = await store.list_all(conn)
    ctx.domains.replace(blocks)  # after the commit: enforced in memory only once stored
    return block


async def update_block(ctx: Context, block_id: int, fields: BlockFields) -> DomainBlock:
    """New severity or comments; a change of severity lifts the old one's marks and enforces the new."""
    _check_fields(fields)
    now = ctx.now_ms()
    async with ctx.db.transaction() as conn:
        block = await store.get(conn, block_id)
        if block is None:
            raise NotFound(NOT_FOUND)
        changed = replace(
            block, severity=fields.severity, public_comment=fields.public_comment,
            private_comment=fields.private_comment, obfuscate=fields.obfuscate, updated_at=now,
        )
        updated = await store.update(conn, changed)
        if updated.severity != block.severity:
            await _lift(conn, block)
            await _enforce(conn, updated, now)
        blocks = await store.list_all(conn)
    ctx.domains.replace(blocks)  # after the commit: enforced in memory only once stored
    return updated


async def lift_block(ctx: Context, block_id: int) -> DomainBlock:
    async with ctx.db.transaction() as conn:
        block = await store.get(conn, block_id)
        if block is None:
            raise NotFound(NOT_FOUND)
        await store.delete(conn, block.id)
        await _lift(conn, block)
        blocks = await store.list_all(conn)
    ctx.domains.replace(blocks)  # after the commit: enforced in memory only once stored
    return block


def _check_fields(fields: BlockFields) -> None:
    if fields.severity not in SEVERITIES:
        raise Unprocessable("Validation failed: Severity is not included in the list")
    for name, value in (("Public comment", fields.public_comment), ("Private comment", fields.private_comment)):
        if not isinstance(value, str) or len(value) > MAX_COMMENT_CHARACTERS:
            raise Unprocessable(f"Validation failed: {name} is too long (maximum is {MAX_COMMENT_CHARACTERS} characters)")


async def _enforce(conn: Connection, block: DomainBlock, now: int) -> None:
    if block.severity == SUSPEND:
        lost = await severances.count_lost(conn, block.domain)
        await severances.delete_follows(conn, block.domain)
        if lost:
            await severances.record(conn, "domain_block", block.domain, lost, now)
        await store.mark_actors(conn, block.domain, "suspended_at", block.created_at)
        await store.drop_pending_deliveries(conn, block.domain, now)
    else:
        await store.mark_actors(conn, block.domain, "silenced_at", block.created_at)


async def _lift(conn: Connection, block: DomainBlock) -> None:
    await store.unmark_actors(conn, block.domain, "suspended_at", block.created_at)
    await store.unmark_actors(conn, block.domain, "silenced_at", block.created_at)
