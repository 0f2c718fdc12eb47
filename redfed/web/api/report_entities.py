"""Reports as Mastodon's API shows them (layer 6): Report to the reporter, Admin::Report and
Admin::Account to moderators."""

from ...services.moderation.moderating import ReportView
from ...services.views import AccountView
from ...store.moderation.reports import Report
from ...urls import Urls
from . import entities


def report(found: Report, target: dict) -> dict:
    """Report: what the reporter sees of their own report (`target` is the reported Account)."""
    return {
        "id": str(found.id),
        "action_taken": found.resolved_at is not None,
        "action_taken_at": entities.iso(found.resolved_at),
        "category": found.category,
        "comment": found.comment,
        "forwarded": found.forwarded,
        "created_at": entities.iso(found.created_at),
        "status_ids": [str(p) for p in found.post_ids] or None,
        "rule_ids": [str(r) for r in found.rule_ids] or None,
        "target_account": target,
    }


def admin_report(view: ReportView, urls: Urls) -> dict:
    """Admin::Report."""
    found = view.report
    return {
        **report(found, admin_account(view.target, urls)),
        "updated_at": entities.iso(found.updated_at),
        "account": admin_account(view.reporter, urls),
        "assigned_account": admin_account(view.assigned, urls) if view.assigned else None,
        "action_taken_by_account": admin_account(view.action_taken_by, urls) if view.action_taken_by else None,
        "statuses": [entities.status(s, urls) for s in view.statuses],
        "rules": [{"id": str(r.id), "text": r.text, "hint": r.hint} for r in view.rules],
    }


def admin_account(view: AccountView, urls: Urls) -> dict:
    """Admin::Account. redfed keeps no sign-in addresses, so `ip` is null and `ips` empty."""
    actor, user = view.actor, view.user
    return {
        "id": str(actor.id),
        "username": actor.username,
        "domain": None if actor.is_local else actor.domain,
        "created_at": entities.iso(user.created_at if user else actor.published_at),
        "email": user.email if user else None,
        "ip": None,
        "ips": [],
        "locale": user.locale if user else None,
        "invite_request": None,
        "role": entities.role(view),
        "confirmed": user is not None,
        "approved": bool(user and not user.pending),
        "disabled": bool(user and user.disabled_at is not None),
        "silenced": actor.silenced_at is not None,
        "suspended": actor.suspended_at is not None,
        "sensitized": False,
        "account": entities.account(view, urls),
    }
