"""Creator income on profiles (layer 4): a local account's FEP-0ea0 payment links, checked, stored
and federated in the actor document (an Update goes to followers), and anyone's links for showing.
Remote actors' links are stored by the resolver whenever their document is fetched.
"""

from ...errors import Unprocessable
from ...federation.payment_links import MAX_LINKS, MAX_NAME, is_payment_url
from ...models import Actor
from ...store.accounts import payment_links as store
from ...store.accounts.payment_links import PaymentLink
from ..context import Context
from .profiles import announce_update


def check_links(raw) -> list[PaymentLink]:
    """[{href, name}] as a client sends them → links, or Unprocessable naming what is wrong."""
    if not isinstance(raw, list):
        raise Unprocessable("payment_links must be a list of {href, name}")
    if len(raw) > MAX_LINKS:
        raise Unprocessable(f"at most {MAX_LINKS} payment links")
    links = []
    for item in raw:
        if not isinstance(item, dict):
            raise Unprocessable("each payment link is an object with href and name")
        href, name = item.get("href"), item.get("name", "")
        if not isinstance(href, str) or not is_payment_url(href.strip()):
            raise Unprocessable("a payment link must be an http or https URL")
        if not isinstance(name, str) or len(name.strip()) > MAX_NAME:
            raise Unprocessable(f"a payment link's name is text of at most {MAX_NAME} characters")
        links.append(PaymentLink(href.strip(), name.strip()))
    return links


async def set_links(ctx: Context, actor: Actor, raw) -> list[PaymentLink]:
    """Replace the account's payment links; followers' servers get the new actor document."""
    links = check_links(raw)
    async with ctx.db.transaction() as conn:
        await store.replace_links(conn, actor.id, links)
        await announce_update(ctx, conn, actor)
    ctx.wake_delivery()
    return links


async def links_of(ctx: Context, actor: Actor) -> list[PaymentLink]:
    return await store.list_links(ctx.db.reader, actor.id)
