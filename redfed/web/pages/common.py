"""What every page shares (layer 6): the blueprint, who is visiting and in which language, CSRF,
safe redirects, the response headers, and the app-wide hooks pages need (jinja's i18n extension,
larger bodies for the compose form).

Each request's `Visit` - the session, the signed-in account and the locale - is found once and
kept on `g`; the context processor hands it to every template, the OAuth pages' included, so the
layout's navigation and language switch work everywhere.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from quart import Blueprint, Response, g, redirect, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from ...errors import Forbidden, RedfedError
from ...models import Actor
from ...protocol import as2
from ...services.accounts import accounts, sessions
from ...services.shop import listing_forms
from ...services.social import showcase
from .. import i18n
from . import emoji_text
from ..context import runtime

blueprint = Blueprint("pages", __name__)

COMPOSE_PATH = "/compose"
MAX_PHOTOS = showcase.MAX_PHOTOS
FORM_OVERHEAD = 64 * 1024
MAX_RETURN_PATH = 1_000


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is defined; `_()` translates it where it is used."""
    return message


EXPIRED_FORM = N_("This form has expired or was not sent from this site. Go back and try again.")
# Pages run only the scripts in redfed/static/ (never inline ones), are never framed, and post forms
# only to this site. Images may come from other servers (remote posts' attachments and avatars).
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
        "img-src 'self' https: http: data: blob:; media-src 'self' https: http:; style-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@dataclass(frozen=True)
class Visit:
    session: sessions.Session | None
    viewer: Actor | None
    locale: str

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token if self.session else ""


class SignInRequired(Exception):
    """Raised by a page that needs a signed-in visitor: they are sent to sign in, then back."""


async def visit() -> Visit:
    found = g.get("redfed_visit")
    if found is None:
        rt = runtime()
        session = await sessions.lookup(rt.db, request.cookies.get(sessions.SESSION_COOKIE), rt.services.now_ms())
        viewer = await accounts.find_local_actor(rt.db, rt.config, session.user.username) if session else None
        locale = i18n.choose(
            session.user.locale if session else None, request.cookies.get(i18n.LANG_COOKIE),
            request.headers.get("Accept-Language"),
        )
        found = g.redfed_visit = Visit(session, viewer, locale)
    return found


async def signed_in() -> tuple[Visit, Actor]:
    current = await visit()
    if current.viewer is None:
        raise SignInRequired()
    return current, current.viewer


def _(message: str) -> str:
    """A message in the visitor's language (after `visit()` has run for this request)."""
    current = g.get("redfed_visit")
    return i18n.translations(current.locale if current else i18n.DEFAULT).gettext(message)


async def form() -> dict:
    """The posted form's single values (repeated fields keep their first value)."""
    posted = await request.form
    return {key: posted.get(key, "") for key in posted}


def check_csrf(current: Visit, token: str | None) -> None:
    if current.session is None or not sessions.csrf_matches(current.session.csrf_token, token):
        raise Forbidden(_(EXPIRED_FORM))


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to after a form; anything else (other hosts, schemes) is refused."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 32 or c == "\\" for c in value):
        return default
    return value


def here() -> str:
    """The current page's path and query, to come back to; the home page instead of an address
    too long to echo in a link or a redirect."""
    query = request.query_string.decode("latin-1")
    found = request.path + (f"?{query}" if query else "")
    return found if len(found) <= MAX_RETURN_PATH else "/"


def sign_in_url(next_path: str) -> str:
    return "/auth/sign_in?" + urlencode({"next": next_path})


def see_other(location: str) -> Response:
    return redirect(location, 303)


async def page(template: str, status: int = 200, **context) -> Response:
    body = await render_template(template, **context)
    return Response(body, status, content_type="text/html; charset=utf-8")


def secure_cookies() -> bool:
    return runtime().config.base_url.startswith("https:")


@blueprint.errorhandler(SignInRequired)
async def on_sign_in_required(_error: SignInRequired):
    # After a POST, come back to the page the form was on rather than to the form's action.
    back = here()
    if request.method == "POST":
        try:
            back = safe_next((await form()).get("next"))
        except RequestEntityTooLarge:
            back = "/"
    return see_other(sign_in_url(back))


@blueprint.after_request
async def page_headers(response: Response) -> Response:
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    if g.get("redfed_visit") is not None and g.redfed_visit.session is not None:
        response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def _now_ms() -> int | None:
    try:
        return runtime().services.now_ms()
    except (KeyError, RuntimeError):
        return None  # an error page before the instance is up: dates are shown instead of ages


@blueprint.app_context_processor
async def page_context() -> dict:
    """Who is visiting and in which language, for every template (error and OAuth pages too)."""
    try:
        current = await visit()
    except (RedfedError, KeyError, RuntimeError):
        # An error page rendered before the instance is up, or for a request that cannot look
        # up its session: English, signed out.
        current = Visit(None, None, i18n.DEFAULT)
    return {
        "visit": current,
        "viewer": current.viewer,
        "csrf_token": current.csrf_token,
        "locale": current.locale,
        "html_lang": i18n.LANGUAGES[current.locale][1],
        "html_dir": i18n.direction(current.locale),
        "languages": [(code, names[0], names[1]) for code, names in i18n.LANGUAGES.items()],
        "current_path": here(),
        "now_ms": _now_ms(),
        i18n.CONTEXT_KEY: i18n.translations(current.locale),
    }


def compose_limit(config) -> int:
    """The compose form's largest body: its photos, or a video, at their size limits, and the
    fields around them."""
    return max(MAX_PHOTOS * config.media.max_image_bytes, config.media.max_video_bytes) + FORM_OVERHEAD


def profile_form_limit(config) -> int:
    """The profile form's largest body: an avatar and a header at their size limit, and the fields."""
    return 2 * config.media.max_image_bytes + FORM_OVERHEAD


def listing_form_limit(config) -> int:
    """The listing form's largest body: its new photos at their size limit, and the fields."""
    return listing_forms.PHOTOS_PER_FORM * config.media.max_image_bytes + FORM_OVERHEAD


PROFILE_PATH = "/settings/profile"
LISTING_FORM_PATH = re.compile(r"/listings/(?:new|[0-9]{1,19}/edit)")
# Forms with file uploads, and their largest bodies; every other page keeps the app-wide limit.
LARGE_FORMS = {COMPOSE_PATH: compose_limit, PROFILE_PATH: profile_form_limit}


def large_form_limit(path: str):
    """The body limit of a form with uploads at `path`, as a function of the config; None for others."""
    if LISTING_FORM_PATH.fullmatch(path):
        return listing_form_limit
    return LARGE_FORMS.get(path)


@blueprint.record_once
def _install(state) -> None:
    """App-wide set-up pages need: the i18n extension in the app's jinja environment, and a
    request class that lets the compose form's body be as large as its photos (Quart fixes a
    request's body limit when it makes the request object, before any view runs)."""
    app = state.app
    i18n.install(app.jinja_env)
    app.jinja_env.filters["iso_time"] = as2.iso_time
    emoji_text.install(app.jinja_env)
    base = app.request_class

    class ComposeRequest(base):
        def __init__(self, method, scheme, path, *args, max_content_length=None, **kwargs):
            limit = large_form_limit(path) if method == "POST" else None
            if limit is not None and "redfed" in app.extensions:
                max_content_length = limit(app.extensions["redfed"].config)
            super().__init__(method, scheme, path, *args, max_content_length=max_content_length, **kwargs)
            if limit is not None and max_content_length is not None:
                # The form parser reads the request's own limit, which otherwise falls back to the
                # app-wide one (1 MiB): the body would be let in, then refused while parsing.
                self.max_content_length = max_content_length

    app.request_class = ComposeRequest
