"""A browser's User-Agent as people name it ("Firefox", "Linux"), for the sessions page (layer 6).
Rough on purpose, like Mastodon's: the full string is shown beside it."""

import re

# Checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")), ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Firefox", re.compile(r"\bFirefox/|\bFxiOS/")), ("Chrome", re.compile(r"\b(Headless)?Chrome/|\bCriOS/|\bChromium/")),
    ("Safari", re.compile(r"\bSafari/")),
)
PLATFORMS = (
    ("Android", re.compile(r"\bAndroid\b")), ("iOS", re.compile(r"\biPhone|\biPad|\biPod")),
    ("Windows", re.compile(r"\bWindows\b")), ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")), ("Linux", re.compile(r"\bLinux\b")),
)


def _first(table, text: str) -> str | None:
    return next((name for name, pattern in table if pattern.search(text)), None)


def describe(user_agent: str) -> tuple[str | None, str | None]:
    """(browser, platform), either None when not recognised."""
    return _first(BROWSERS, user_agent), _first(PLATFORMS, user_agent)
