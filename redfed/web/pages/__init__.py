"""Server-rendered pages for people (layer 6): one blueprint, `pages.blueprint`, whose routes live
in the modules below - public pages and profiles, signing in and out, the signed-in feed and
compose, the signed-in settings, and moving an account. Templates are in the repository's
templates/ folder, strings in redfed/locales/."""

from . import auth, feed, moves, public, settings, settings_export, settings_profile, settings_security
from .common import blueprint

__all__ = [
    "blueprint", "auth", "feed", "moves", "public", "settings", "settings_export", "settings_profile",
    "settings_security",
]
