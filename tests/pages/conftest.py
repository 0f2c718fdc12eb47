"""Headless Chromium for the page tests: Debian's `chromium` (installed by .ci/run) driven by
Playwright for Python with its executable path set - Playwright's own browser downloads are never
used. Without a browser the tests skip locally and fail under CI, so CI cannot pass by skipping."""

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PASSWORD = "correct horse battery"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("the page tests need Debian's chromium and the playwright package (see .ci/run)")
        pytest.skip("chromium or playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser):
    """Pages in separate browser contexts (separate cookies: separate people), closed after the test.
    Any JavaScript dialog is recorded in `page.dialogs` and dismissed."""
    contexts = []

    def make(width: int = 1280, height: int = 900, locale: str = "en-US"):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []

        def on_dialog(dialog):
            page.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def photo(path: Path, colours: tuple[str, str], size: tuple[int, int] = (900, 1200), noise: bool = False) -> Path:
    """A picture to upload: a diagonal two-colour gradient with a sun (or pure noise, which does not
    compress, for size limits)."""
    if noise:
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(path, "PNG")
        return path
    top, bottom = Image.new("RGB", size, colours[0]), Image.new("RGB", size, colours[1])
    mask = Image.linear_gradient("L").resize(size)
    picture = Image.composite(bottom, top, mask)
    draw = ImageDraw.Draw(picture)
    w, h = size
    draw.ellipse((w * 0.55, h * 0.12, w * 0.85, h * 0.12 + w * 0.3), fill="#fff4d6")
    draw.polygon([(0, h), (w * 0.4, h * 0.55), (w * 0.75, h), ], fill="#2f3e46")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def sign_in(page, instance, username: str, password: str = PASSWORD) -> None:
    page.goto(instance.url("/auth/sign_in"))
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url(instance.url("/home"))


def switch_language(page, code: str) -> None:
    """Choose a language with the switch in the header's menu, as a person would."""
    page.click(".site-menu > summary")
    page.click(f".site-menu button.lang-button[value={code}]")
