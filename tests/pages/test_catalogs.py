"""Every string the pages use is in the catalogs, and every catalog but English translates all of
them with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from redfed.web import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "redfed" / "locales"
METHODS = [("redfed/web/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _used() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(locale: str):
    """Every message of a locale, over all its `.po` files (a message kept in two must agree)."""
    messages = {}
    for part in i18n.catalog_files(locale):
        with part.open("rb") as source:
            for message in read_po(source, locale=locale):
                if message.id:
                    earlier = messages.setdefault(message.id, message)
                    assert earlier.string == message.string, f"{part.name} translates {message.id!r} differently"
    return list(messages.values())


def test_each_locale__has_the_same_catalog_files():
    names = {locale: [p.name for p in i18n.catalog_files(locale)] for locale in i18n.LANGUAGES}
    assert len(set(map(tuple, names.values()))) == 1, names


def test_every_used_string__is_in_both_catalogs():
    used = _used()
    assert len(used) > 50
    for locale in i18n.LANGUAGES:
        ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalog(locale) if m.id}
        assert used - ids == set(), f"missing from {locale}: run the commands in redfed/locales/babel.cfg"


@pytest.mark.parametrize("locale", [locale for locale in i18n.LANGUAGES if locale != i18n.DEFAULT])
def test_each_translation__is_complete_with_the_same_placeholders(locale):
    for message in _catalog(locale):
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for translated in strings:
            assert translated, f"untranslated in {locale}: {source!r}"
            assert "fuzzy" not in message.flags, f"fuzzy in {locale}: {source!r}"
            assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(source)), source


def test_catalogs__compile_and_translate():
    assert i18n.translations("zh_Hans").gettext("Explore") == "发现"
    assert i18n.translations("zh_Hant").gettext("Explore") == "發現"
    assert i18n.translations("zh_Hans").ngettext("%(num)d post", "%(num)d posts", 3) == "%(num)d 条帖子"
    assert i18n.translations("en").ngettext("%(num)d post", "%(num)d posts", 1) == "%(num)d post"
    assert i18n.translations("unknown").gettext("Explore") == "Explore"
