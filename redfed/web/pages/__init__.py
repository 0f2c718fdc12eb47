"""Server-rendered pages for people (layer 6): one blueprint, `pages.blueprint`, whose routes live
in the modules below - public pages and profiles, signing in and out, the signed-in feed and
compose; the shop, listing and deals pages; hashtags and search. Templates are in the repository's templates/ folder, strings in redfed/locales/."""

from . import auth, deals, discover, feed, public, shop
from .common import blueprint

__all__ = ["blueprint", "auth", "deals", "discover", "feed", "public", "shop"]
