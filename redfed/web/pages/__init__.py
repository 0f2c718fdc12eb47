"""Server-rendered pages for people (layer 6): one blueprint, `pages.blueprint`, whose routes live
in the modules of this package - public pages and profiles, signing in and out, the feed and
compose, settings, moving an account, the shop, listing and deals pages, hashtags and search.
Templates are in the repository's templates/ folder, strings in redfed/locales/.

Every module is imported here, so that its routes join the blueprint: adding a page module never
means editing a shared list.
"""

import importlib
import pkgutil

from .common import blueprint

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["blueprint"]
