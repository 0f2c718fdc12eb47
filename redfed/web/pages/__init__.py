"""Server-rendered pages for people (layer 6): one blueprint, `pages.blueprint`, whose routes live
in the modules below - public pages and profiles, signing in and out, the signed-in feed and
compose, and the admin area. Templates are in the repository's templates/ folder, strings in redfed/locales/."""

from . import admin, auth, feed, public
from .common import blueprint

__all__ = ["blueprint", "admin", "auth", "feed", "public"]
