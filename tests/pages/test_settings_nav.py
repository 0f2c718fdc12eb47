"""The settings sub-navigation lists the sections this app serves: those other areas add (import,
aliases, moving) appear as soon as their page exists, and never as a link to a missing page."""

import asyncio

from quart import Blueprint

from redfed.app import create_app
from redfed.web.pages import settings

from ..support.instance import make_config


def _sections(app) -> list[str]:
    async def read():
        async with app.app_context():
            return [path for path, _label in settings.sections()]

    return asyncio.run(read())


def test_nav__this_areas_sections_first(tmp_path):
    found = _sections(create_app(make_config(tmp_path, "http://127.0.0.1:9")))
    assert found[:7] == [
        "/settings/profile", "/settings/preferences", "/settings/password", "/settings/two_factor",
        "/settings/sessions", "/settings/apps", "/settings/export",
    ]
    assert set(found) <= {path for path, _label in settings.SECTIONS}


def test_nav__a_path_counts_as_a_page_only_with_a_get_route(tmp_path):
    app = create_app(make_config(tmp_path, "http://127.0.0.1:9"))
    later = Blueprint("later", __name__)
    later.add_url_rule("/settings/test-page", "page", lambda: "page", methods=["GET"])
    later.add_url_rule("/settings/test-form", "form", lambda: "form", methods=["POST"])
    app.register_blueprint(later)

    async def check():
        async with app.app_context():
            return [settings._has_page(path) for path in ("/settings/test-page", "/settings/test-form", "/settings/nowhere")]

    assert asyncio.run(check()) == [True, False, False]
    assert _sections(app) == [path for path, _label in settings.SECTIONS if path in _routes(app)]


def _routes(app) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
