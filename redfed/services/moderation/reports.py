"""Reports (layer 4): a local account reports an account and some of its posts; a report about a
remote account may be forwarded to its server as a `Flag` signed by the instance actor; a remote
server's `Flag` becomes a report in the same queue, filed by the actor that sent it. Every admin is
notified (`admin.report`). What moderators then do is moderating.py.

Mastodon's shapes and limits: a comment of at most 1,000 characters from a local account (5,000
kept from a remote one), categories spam, legal, violation (naming the instance's rules) and other.
"""

from dataclasses import dataclass

from ...clock import new_id
from ...db.api import Connection
from ...errors import Unprocessable
from ...federation import audience, delivery
from ...models import Actor, Post
from ...protocol import as2
from ...store import actors as actor_store
from ...store import posts as post_store
from ...store.accounts import sign_ups as user_store
from ...store.moderation import reports as store
from ...store.moderation.instance_settings import Rule
from ...store.moderation.reports import NewReport, Report
from ..accounts import accounts
from ..context import Context
from ..notify import notify
from ..views import AccountView, account_view
from ..visibility import can_see
from . import instance_settings

CATEGORIES = ("spam", "legal", "violation", "other")
MAX_COMMENT = 1000
MAX_REMOTE_COMMENT = 5000
MAX_POSTS = 100


@dataclass(frozen=True)
class ReportForm:
    account_id: int
    status_ids: list[int]
    comment: str = ""
    category: str = "other"
    rule_ids: tuple[int, ...] | list[int] = ()
    forward: bool = False


@dataclass(frozen=True)
class Filed:
    report: Report
    target: AccountView


@dataclass(frozen=True)
class Subject:
    """What a report form is about: the account, the posts it names, the rules one may cite."""

    target: Actor
    posts: list[Post]
    rules: list[Rule]


async def subject(ctx: Context, reporter: Actor, account_id: int, post_ids: list[int]) -> Subject:
    target = await _target(ctx, reporter, account_id)
    found = await _post_ids(ctx, reporter, target, post_ids)
    posts = [await post_store.get_post(ctx.db.reader, post_id) for post_id in found]
    return Subject(target, posts, list((await instance_settings.current(ctx.db, ctx.config)).rules))


async def file_report(ctx: Context, reporter: Actor, form: ReportForm) -> Filed:
    target = await _target(ctx, reporter, form.account_id)
    new = NewReport(
        reporter.id, target.id, await _category(ctx, form), _comment(form.comment),
        list(dict.fromkeys(form.rule_ids)), await _post_ids(ctx, reporter, target, form.status_ids),
        forwarded=form.forward and not target.is_local,
    )
    # The instance actor sends a forwarded report, so the reported server never learns who reported.
    instance_actor = await accounts.ensure_instance_actor(ctx.db, ctx.config) if new.forwarded else None
    async with ctx.db.transaction() as conn:
        report_id = await store.insert_report(conn, new, ctx.now_ms())
        if instance_actor is not None:
            await _forward(ctx, conn, report_id, instance_actor, target)
        await _notify_admins(conn, reporter, report_id, ctx.now_ms())
        report = await store.get_report(conn, report_id)
    ctx.wake_delivery()
    return Filed(report, await account_view(ctx.db, target))


async def receive_flag(ctx: Context, sender: Actor, activity: dict) -> bool:
    """A remote server reports local accounts: one report per account named, holding the posts of
    that account the Flag names. A replayed Flag files nothing new."""
    named = [uri for uri in map(as2.get_id, as2.as_list(activity.get("object"))) if isinstance(uri, str)]
    local = [uri for uri in named if ctx.urls.is_local(uri)][:MAX_POSTS + 1]
    actors = [a for a in await actor_store.find_actors_by_uris(ctx.db.reader, local) if a.type != "Application"]
    posts = [p for p in [await post_store.find_post_by_uri(ctx.db.reader, uri) for uri in local] if p is not None]
    content = activity.get("content")
    comment = content[:MAX_REMOTE_COMMENT] if isinstance(content, str) else ""
    filed = False
    async with ctx.db.transaction() as conn:
        for target in actors:
            post_ids = [p.id for p in posts if p.actor_id == target.id]
            new = NewReport(sender.id, target.id, "other", comment, [], post_ids, uri=activity["id"])
            report_id = await store.insert_report(conn, new, ctx.now_ms())
            if report_id is not None:
                await _notify_admins(conn, sender, report_id, ctx.now_ms())
                filed = True
    return filed


def flag_activity(report: Report, uri: str, instance_actor: Actor, target: Actor, post_uris: list[str]) -> dict:
    """Mastodon's Flag: the instance actor names the account and the posts; `content` is the comment."""
    flag = as2.activity("Flag", uri, instance_actor.uri, [target.uri, *post_uris])
    flag["content"] = report.comment
    return flag


async def _forward(ctx: Context, conn: Connection, report_id: int, instance_actor: Actor, target: Actor) -> None:
    report = await store.get_report(conn, report_id)
    uri = ctx.urls.activity(new_id())
    await store.set_uri(conn, report_id, uri)
    posts = [await post_store.get_post(conn, post_id) for post_id in report.post_ids]
    flag = flag_activity(report, uri, instance_actor, target, [p.uri for p in posts if p is not None])
    await delivery.enqueue(
        conn, flag, instance_actor, audience.for_actor(ctx.config, target), is_public=False, object_uri=target.uri,
        now=ctx.now_ms(),
    )


async def _notify_admins(conn: Connection, reporter: Actor, report_id: int, now: int) -> None:
    for admin_id in await user_store.admin_actor_ids(conn):
        await notify(conn, admin_id, "admin.report", reporter, None, now, report_id=report_id)


async def _target(ctx: Context, reporter: Actor, account_id: int) -> Actor:
    target = await actor_store.get_actor(ctx.db.reader, account_id)
    if target is None or (target.is_local and target.type == "Application"):
        raise Unprocessable(f"account {account_id} does not exist")
    if target.id == reporter.id:
        raise Unprocessable("you cannot report yourself")
    return target


async def _category(ctx: Context, form: ReportForm) -> str:
    if form.category not in CATEGORIES:
        raise Unprocessable(f"category must be one of {', '.join(CATEGORIES)}")
    if not form.rule_ids:
        return form.category
    rules = {rule.id for rule in (await instance_settings.current(ctx.db, ctx.config)).rules}
    unknown = [str(r) for r in form.rule_ids if r not in rules]
    if unknown:
        raise Unprocessable(f"no such rule: {', '.join(unknown)}")
    # As on Mastodon, naming rules makes the report one of a rule violation.
    return "violation"


def _comment(comment: str) -> str:
    if len(comment) > MAX_COMMENT:
        raise Unprocessable(f"comment is too long (at most {MAX_COMMENT} characters)")
    return comment.strip()


async def _post_ids(ctx: Context, reporter: Actor, target: Actor, status_ids: list[int]) -> list[int]:
    """The target's posts the reporter can see, as Mastodon's AccountStatusesFilter allows; one
    that is not answers the same as one that does not exist."""
    if len(status_ids) > MAX_POSTS:
        raise Unprocessable(f"at most {MAX_POSTS} statuses in one report")
    for status_id in dict.fromkeys(status_ids):
        post = await post_store.get_post(ctx.db.reader, status_id)
        if post is None or post.actor_id != target.id or not await can_see(ctx.db.reader, reporter, post):
            raise Unprocessable(f"status {status_id} is not one of the reported account's")
    return list(dict.fromkeys(status_ids))
