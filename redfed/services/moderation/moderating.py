"""Working through reports (layer 4): the queue as moderators see it, assigning, resolving and
reopening, notes between moderators, actions on the reported account (Mastodon's
/api/v1/admin/accounts/:id/action), and the log of all of it. Who is a moderator is the face's
check (users.is_admin); every function here takes the moderator and writes the log.
"""

from dataclasses import dataclass

from ...errors import NotFound, Unprocessable
from ...models import Actor, User
from ...store import views as view_store
from ...store.moderation import moderation_log as log_store
from ...store.moderation import reports as store
from ...store.moderation.instance_settings import Rule
from ...store.moderation.moderation_log import Entry
from ...store.moderation.reports import Note, Report
from ..context import Context
from ..views import AccountView, StatusView, account_views, status_views
from . import admin_accounts
from .instance_settings import current
from .reports import Filed

NOT_FOUND = "Record not found"
ACTIONS = ("none", "sensitive", "disable", "silence", "suspend")
MAX_NOTE = 5000


@dataclass(frozen=True)
class ReportView:
    report: Report
    reporter: AccountView
    target: AccountView
    assigned: AccountView | None
    action_taken_by: AccountView | None
    statuses: list[StatusView]
    rules: list[Rule]


async def list_reports(ctx: Context, moderator: Actor, resolved: bool | None, max_id: int | None, limit: int) -> list[ReportView]:
    return await _views(ctx, moderator, await store.list_reports(ctx.db.reader, resolved, max_id, limit))


async def get_report(ctx: Context, moderator: Actor, report_id: int) -> ReportView:
    return (await _views(ctx, moderator, [await _report(ctx, report_id)]))[0]


async def list_notes(ctx: Context, report_id: int) -> list[Note]:
    return await store.list_notes(ctx.db.reader, (await _report(ctx, report_id)).id)


async def assign(ctx: Context, moderator: User, report_id: int, to_self: bool) -> None:
    report = await _report(ctx, report_id)
    async with ctx.db.transaction() as conn:
        await store.set_assignee(conn, report.id, moderator.actor_id if to_self else None, ctx.now_ms())
        action, words = ("assign_report", "took") if to_self else ("unassign_report", "let go of")
        await _log(ctx, conn, moderator, action, "report", report.id, f"{moderator.username} {words} report {report.id}")


async def resolve(ctx: Context, moderator: User, report_id: int, resolved: bool) -> None:
    """Resolve a report, or reopen it (`resolved` False)."""
    report = await _report(ctx, report_id)
    async with ctx.db.transaction() as conn:
        await _set_resolved(ctx, conn, moderator, report, resolved)


async def add_note(ctx: Context, moderator: User, report_id: int, content: str) -> None:
    report = await _report(ctx, report_id)
    text = content.strip()
    if not text or len(text) > MAX_NOTE:
        raise Unprocessable(f"a note is 1 to {MAX_NOTE} characters")
    async with ctx.db.transaction() as conn:
        await store.insert_note(conn, report.id, moderator.actor_id, text, ctx.now_ms())
        await _log(ctx, conn, moderator, "add_report_note", "report", report.id, f"{moderator.username} noted on report {report.id}")


async def act_on_account(
    ctx: Context, moderator: User, actor_id: int, action: str, report_id: int | None, text: str
) -> None:
    """Mastodon's account action: `none` (a warning), `disable` (a local login), `silence`,
    `suspend` (a remote account); with a report, that report is resolved by it."""
    if action not in ACTIONS:
        raise Unprocessable(f"type must be one of {', '.join(ACTIONS)}")
    report = await _report(ctx, report_id) if report_id is not None else None
    if report is not None and report.target_id != actor_id:
        raise Unprocessable("the report is about another account")
    target = await _apply(ctx, moderator, actor_id, action)
    summary = f"{moderator.username} took action '{action}' on {target.handle}" + (f": {text.strip()}" if text.strip() else "")
    async with ctx.db.transaction() as conn:
        await _log(ctx, conn, moderator, f"{action}_account", "account", target.id, summary)
        if report is not None:
            await _set_resolved(ctx, conn, moderator, report, True)


# What each of Mastodon's undoing routes (/api/v1/admin/accounts/:id/enable…) lifts.
LIFTS = {"enable": "disable", "unsilence": "silence", "unsuspend": "suspend"}


async def lift(ctx: Context, moderator: User, actor_id: int, undo: str) -> None:
    """Undo an earlier action on an account (`enable`, `unsilence` or `unsuspend`), logged."""
    if undo == "enable":
        await admin_accounts.set_login_disabled(ctx, moderator, actor_id, False)
        target = await admin_accounts.get_account(ctx, actor_id)
    elif undo == "unsilence":
        target = await admin_accounts.set_silenced(ctx, actor_id, False)
    else:
        target = await admin_accounts.set_remote_suspended(ctx, actor_id, False)
    async with ctx.db.transaction() as conn:
        await _log(ctx, conn, moderator, f"{undo}_account", "account", target.id, f"{moderator.username} lifted '{LIFTS[undo]}' on {target.handle}")


async def list_log(ctx: Context, limit: int, max_id: int | None = None) -> list[Entry]:
    return await log_store.list_entries(ctx.db.reader, limit, max_id)


async def reports_for_notifications(ctx: Context, notification_ids: list[int]) -> dict[int, Filed]:
    """The report each admin.report notification tells of, with its reported account."""
    found = await store.for_notifications(ctx.db.reader, notification_ids)
    reports = {r: await store.get_report(ctx.db.reader, r) for r in set(found.values())}
    targets = await view_store.actors_by_ids(ctx.db.reader, [r.target_id for r in reports.values() if r])
    accounts = {v.actor.id: v for v in await account_views(ctx.db, list(targets.values()))}
    return {
        n: Filed(reports[r], accounts[reports[r].target_id])
        for n, r in found.items() if reports[r] is not None and reports[r].target_id in accounts
    }


async def _apply(ctx: Context, moderator: User, actor_id: int, action: str) -> Actor:
    if action == "disable":
        await admin_accounts.set_login_disabled(ctx, moderator, actor_id, True)
    elif action == "silence":
        return await admin_accounts.set_silenced(ctx, actor_id, True)
    elif action == "suspend":
        return await admin_accounts.set_remote_suspended(ctx, actor_id, True)
    elif action == "sensitive":
        raise Unprocessable("redfed cannot force an account's media to be sensitive yet")
    return await admin_accounts.get_account(ctx, actor_id)


async def _set_resolved(ctx: Context, conn, moderator: User, report: Report, resolved: bool) -> None:
    now = ctx.now_ms()
    await store.set_resolved(conn, report.id, moderator.actor_id if resolved else None, now if resolved else None, now)
    action, words = ("resolve_report", "resolved") if resolved else ("reopen_report", "reopened")
    await _log(ctx, conn, moderator, action, "report", report.id, f"{moderator.username} {words} report {report.id}")


async def _log(ctx: Context, conn, moderator: User, action: str, target_type: str, target_id: int, summary: str) -> None:
    await log_store.insert_entry(conn, moderator.actor_id, action, target_type, target_id, summary, ctx.now_ms())


async def _report(ctx: Context, report_id: int) -> Report:
    report = await store.get_report(ctx.db.reader, report_id)
    if report is None:
        raise NotFound(NOT_FOUND)
    return report


async def _views(ctx: Context, moderator: Actor, reports: list[Report]) -> list[ReportView]:
    people = {r.reporter_id for r in reports} | {r.target_id for r in reports}
    people |= {i for r in reports for i in (r.assigned_to_id, r.action_taken_by_id) if i is not None}
    actors = await view_store.actors_by_ids(ctx.db.reader, list(people))
    accounts = {v.actor.id: v for v in await account_views(ctx.db, list(actors.values()))}
    posts = await view_store.posts_by_ids(ctx.db.reader, [p for r in reports for p in r.post_ids])
    statuses = {v.post.id: v for v in await status_views(ctx.db, list(posts.values()), moderator)}
    rules = {rule.id: rule for rule in (await current(ctx.db, ctx.config)).rules}
    return [
        ReportView(
            r, accounts[r.reporter_id], accounts[r.target_id], accounts.get(r.assigned_to_id),
            accounts.get(r.action_taken_by_id), [statuses[p] for p in r.post_ids if p in statuses],
            [rules[i] for i in r.rule_ids if i in rules],
        )
        for r in reports
        if r.reporter_id in accounts and r.target_id in accounts
    ]
