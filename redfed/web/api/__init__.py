"""The Mastodon client API (layer 6): /api/v1, /api/v2 and OAuth, as Mastodon apps expect them.

Every module of this package that defines `blueprint` is registered by `blueprints()`, so that
adding an endpoint module never means editing a shared list.
"""

import importlib
import pkgutil

from quart import Blueprint


def blueprints() -> list[Blueprint]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        if isinstance(getattr(loaded, "blueprint", None), Blueprint):
            found.append(loaded.blueprint)
    return found
