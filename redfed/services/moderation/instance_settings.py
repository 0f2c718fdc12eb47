"""What an admin sets about the instance on the web (layer 4): its name, descriptions, rules,
registration mode and sign-up message. A value never set falls back to the config's default."""

from dataclasses import dataclass

from ...config import Config
from ...db.api import Database
from ...errors import Unprocessable
from ...store.moderation import instance_settings as store
from ...store.moderation.instance_settings import Rule

MODES = ("open", "approval", "invite", "closed")
DEFAULT_MODE = "closed"  # what an instance did before sign-up existed: the admin creates accounts
MAX_NAME = 100
MAX_SHORT = 500
MAX_ABOUT = 20_000
MAX_MESSAGE = 2_000
MAX_RULES = 50
MAX_RULE_TEXT = 300
MAX_RULE_HINT = 1_000

__all__ = ["InstanceSettings", "Rule", "current", "defaults", "update", "MODES"]


@dataclass(frozen=True)
class InstanceSettings:
    name: str
    description: str  # the short description, shown on the landing page
    about: str
    contact_email: str
    registration_mode: str
    sign_up_message: str
    rules: tuple[Rule, ...]
    base_url: str = ""  # as in the config's [instance], which templates used to receive
    updated_at: int | None = None  # ms; when an admin last saved the settings, None if never

    @property
    def registrations_open(self) -> bool:
        """Anyone may ask for an account (Mastodon counts approval mode as open, invites as closed)."""
        return self.registration_mode in ("open", "approval")

    @property
    def approval_required(self) -> bool:
        return self.registration_mode == "approval"

    @property
    def invites_enabled(self) -> bool:
        return self.registration_mode == "invite"


def defaults(config: Config) -> InstanceSettings:
    instance = config.instance
    return InstanceSettings(
        instance.name, instance.description, "", instance.contact_email, DEFAULT_MODE, "", (), instance.base_url
    )


async def current(db: Database, config: Config) -> InstanceSettings:
    stored = await store.stored_settings(db.reader)
    rules = await store.list_rules(db.reader)
    base = defaults(config)
    mode = stored["registration_mode"] if stored["registration_mode"] in MODES else base.registration_mode
    return InstanceSettings(
        name=stored["name"] or base.name,
        description=stored["short_description"] if stored["short_description"] is not None else base.description,
        about=stored["about"] or "",
        contact_email=base.contact_email,
        registration_mode=mode,
        sign_up_message=stored["sign_up_message"] or "",
        rules=tuple(rules),
        base_url=base.base_url,
        updated_at=stored["updated_at"],
    )


@dataclass(frozen=True)
class SettingsForm:
    name: str
    description: str
    about: str
    registration_mode: str
    sign_up_message: str
    rules: list[tuple[int | None, str, str]]  # (id of an existing rule or None, text, hint)


def check(form: SettingsForm) -> dict[str, str]:
    """Problems by field name; empty when the form can be saved."""
    problems = {}
    if not form.name.strip():
        problems["name"] = "can't be blank"
    elif len(form.name) > MAX_NAME:
        problems["name"] = f"is too long (maximum is {MAX_NAME} characters)"
    if len(form.description) > MAX_SHORT:
        problems["description"] = f"is too long (maximum is {MAX_SHORT} characters)"
    if len(form.about) > MAX_ABOUT:
        problems["about"] = f"is too long (maximum is {MAX_ABOUT} characters)"
    if form.registration_mode not in MODES:
        problems["registration_mode"] = "is not one of the modes"
    if len(form.sign_up_message) > MAX_MESSAGE:
        problems["sign_up_message"] = f"is too long (maximum is {MAX_MESSAGE} characters)"
    if sum(1 for _id, text, _hint in form.rules if text.strip()) > MAX_RULES:
        problems["rules"] = f"at most {MAX_RULES} rules"
    elif any(len(text) > MAX_RULE_TEXT or len(hint) > MAX_RULE_HINT for _id, text, hint in form.rules):
        problems["rules"] = f"a rule is at most {MAX_RULE_TEXT} characters, its hint {MAX_RULE_HINT}"
    return problems


async def update(db: Database, form: SettingsForm, now: int) -> None:
    """Save the whole form; raises Unprocessable (naming the first problem) when it is invalid.
    Empty rules are dropped, so clearing a rule's text removes it."""
    if problems := check(form):
        field, problem = next(iter(problems.items()))
        raise Unprocessable(f"{field} {problem}")
    rules = [(rule_id, text.strip(), hint.strip()) for rule_id, text, hint in form.rules if text.strip()]
    async with db.transaction() as conn:
        known = {rule.id for rule in await store.list_rules(conn)}
        rules = [(rule_id if rule_id in known else None, text, hint) for rule_id, text, hint in rules]
        await store.save_settings(conn, {
            "name": form.name.strip(), "short_description": form.description.strip(), "about": form.about.strip(),
            "registration_mode": form.registration_mode, "sign_up_message": form.sign_up_message.strip(),
        }, now)
        await store.replace_rules(conn, rules, now)
