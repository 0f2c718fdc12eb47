"""Admin pages (layer 6): accounts (find, disable and enable a local login, suspend a remote account)
and domain blocks (list, add, change, lift after a confirmation). Only users with `users.is_admin` get in:
others see a 403 page, and visitors who are not signed in are sent to sign in first. Every POST
checks the session's CSRF token before anything changes.

Templates extend templates/admin/_layout.html, whose sub-navigation other admin pages join.
"""

from quart import request

from ...errors import Forbidden, NotFound, Unprocessable
from ...models import User
from ...services.moderation import admin_accounts, domain_blocks
from ...services.moderation.domain_blocks import AlreadyBlocked, BlockFields
from ..context import runtime
from ..inputs import MAX_ID
from .common import Visit, _, blueprint, check_csrf, form, page, safe_next, see_other, signed_in

ACCOUNTS_PATH = "/admin/accounts"
BLOCKS_PATH = "/admin/domain_blocks"
_ACCOUNT_ACTIONS = {"disable", "enable", "suspend", "unsuspend"}
_MAX_PAGE = 10_000


async def admin_visit() -> tuple[Visit, User]:
    """The signed-in admin, or a 403 page for everyone else (sign-in first when signed out)."""
    current, _viewer = await signed_in()
    user = current.session.user
    if not user.is_admin:
        raise Forbidden(_("Only admins can see this page."))
    return current, user


@blueprint.get("/admin")
async def admin_home():
    await admin_visit()
    return see_other(ACCOUNTS_PATH)


@blueprint.get(ACCOUNTS_PATH)
async def accounts_page():
    await admin_visit()
    args = request.args
    query, origin, state = args.get("q", "")[:200], args.get("origin", ""), args.get("status", "")
    number = args.get("page", "0")
    number = min(int(number), _MAX_PAGE) if number.isascii() and number.isdigit() and len(number) < 6 else 0
    rows = await admin_accounts.list_accounts(
        runtime().services, admin_accounts.account_filter(query, origin, state), number
    )
    return await page(
        "admin/accounts.html", rows=rows, q=query, origin=origin, state=state, page_number=number,
        more=len(rows) == admin_accounts.PAGE_SIZE,
    )


@blueprint.post(f"{ACCOUNTS_PATH}/<int(max={MAX_ID}):actor_id>/<action>")
async def account_action(actor_id: int, action: str):
    current, user = await admin_visit()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    if action not in _ACCOUNT_ACTIONS:
        raise NotFound(_("There is no such page."))
    ctx = runtime().services
    try:
        if action in ("disable", "enable"):
            await admin_accounts.set_login_disabled(ctx, user, actor_id, action == "disable")
        else:
            await admin_accounts.set_remote_suspended(ctx, actor_id, action == "suspend")
    except Unprocessable as error:
        raise Unprocessable(_account_error(error.message)) from None
    return see_other(safe_next(fields.get("next"), ACCOUNTS_PATH))


def _account_error(message: str) -> str:
    return {
        "you cannot disable your own account": _("You cannot disable your own account."),
        "only local accounts have a login to disable": _("Only accounts of this server can be disabled."),
        "local accounts are disabled, not suspended": _("Accounts of this server are disabled, not suspended."),
    }.get(message, message)


@blueprint.get(BLOCKS_PATH)
async def domain_blocks_page():
    await admin_visit()
    return await _blocks_page()


async def _blocks_page(status: int = 200, *, error: str | None = None, fields: dict | None = None):
    blocks = await domain_blocks.list_blocks(runtime().services)
    return await page("admin/domain_blocks.html", status, blocks=blocks, error=error, fields=fields or {})


@blueprint.post(BLOCKS_PATH)
async def block_domain():
    current, _user = await admin_visit()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    try:
        await domain_blocks.block_domain(runtime().services, fields.get("domain", "")[:300], _block_fields(fields))
    except AlreadyBlocked as conflict:
        text = _("%(domain)s is already blocked at least as strictly.") % {"domain": conflict.existing.domain}
        return await _blocks_page(422, error=text, fields=fields)
    except Unprocessable as error:
        return await _blocks_page(422, error=_block_error(error.message), fields=fields)
    return see_other(BLOCKS_PATH)


def _block_fields(fields: dict) -> BlockFields:
    return BlockFields(
        severity=fields.get("severity", ""), public_comment=fields.get("public_comment", "").strip(),
        private_comment=fields.get("private_comment", "").strip(), obfuscate=fields.get("obfuscate") == "on",
    )


def _block_error(message: str) -> str:
    if message.startswith("Validation failed: Domain is not"):
        return _("That is not a domain name. Write it like example.com.")
    if message.startswith("Validation failed: Domain is this server"):
        return _("You cannot block this server's own domain.")
    if message.startswith("Validation failed: Severity"):
        return _("Choose silence or suspend.")
    if "is too long" in message:
        return _("A reason can be at most %(count)d characters.") % {"count": domain_blocks.MAX_COMMENT_CHARACTERS}
    return message


@blueprint.post(f"{BLOCKS_PATH}/<int(max={MAX_ID}):block_id>")
async def change_block(block_id: int):
    """A new severity or new reasons for a block; the domain itself stays."""
    current, _user = await admin_visit()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    try:
        await domain_blocks.update_block(runtime().services, block_id, _block_fields(fields))
    except Unprocessable as error:
        return await _blocks_page(422, error=_block_error(error.message))
    return see_other(BLOCKS_PATH)


@blueprint.get(f"{BLOCKS_PATH}/<int(max={MAX_ID}):block_id>/remove")
async def confirm_lift(block_id: int):
    await admin_visit()
    block = await domain_blocks.get_block(runtime().services, block_id)
    return await page("admin/domain_block_remove.html", block=block)


@blueprint.post(f"{BLOCKS_PATH}/<int(max={MAX_ID}):block_id>/remove")
async def lift(block_id: int):
    current, _user = await admin_visit()
    check_csrf(current, (await form()).get("csrf_token"))
    await domain_blocks.lift_block(runtime().services, block_id)
    return see_other(BLOCKS_PATH)
