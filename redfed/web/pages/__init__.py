"""Server-rendered pages for people (layer 6): one blueprint, `pages.blueprint`, whose routes live
in the modules below - public pages and profiles, signing in and out, the signed-in feed and
compose. Templates are in the repository's templates/ folder, strings in redfed/locales/."""

from . import about, admin_sign_ups, auth, feed, public, reset_password, sign_up
from .common import blueprint

__all__ = ["blueprint", "about", "admin_sign_ups", "auth", "feed", "public", "reset_password", "sign_up"]
