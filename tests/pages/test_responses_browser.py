"""Quotes, reactions and boards in Chromium on a phone (390x844): the quote card, the reaction bar
(reacting with a tap) and a board's photo grid fit the screen, pass the accessibility audit and
raise no console error."""

from axe_playwright_python.sync_playwright import Axe

from redfed.federation.reactions import Reaction
from redfed.services.responses import boards, quotes, reactions
from redfed.services.social import posts

from .conftest import screenshot, sign_in
from .shop_support import upload
from .test_accessibility import serious_violations
from .test_layout import PHONE, overflowing, watch_console


def test_on_a_phone__quote_card_reaction_bar_and_board_grid(instance, new_page):
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    photo = upload(instance, alice, (200, 60, 60), "A red teapot", size=(300, 400))
    original = instance.run(posts.create_local_post(instance.ctx, alice, "My new teapot, handmade in Yixing", media=[photo]))
    draft = instance.run(quotes.prepare(instance.ctx, bob, original))
    quoting = instance.run(posts.create_local_post(instance.ctx, bob, "Look at this beauty " + "very " * 30, quote=draft))
    instance.run(reactions.react(instance.ctx, alice, quoting, Reaction("🫖")))
    board = instance.run(boards.create(instance.ctx, bob, "Teapots I would like to own one day", "red ones", is_public=True))
    instance.run(boards.save(instance.ctx, bob, board, original))

    page = new_page(*PHONE)
    errors = watch_console(page, [])
    sign_in(page, instance, "bob")
    page.goto(instance.url(f"/@bob/{quoting.id}"))
    card = page.locator(".quote-card")
    assert "handmade in Yixing" in card.inner_text()
    assert card.locator("img.quote-photo").get_attribute("alt") == "A red teapot"
    page.locator(".reaction-picker summary").click()
    page.locator(".reaction-picker button[value='🎉']").click()
    page.wait_for_load_state()
    assert page.locator(".reaction[aria-pressed='true']").inner_text().startswith("🎉")
    assert overflowing(page) is None
    assert serious_violations(Axe(), page) == []
    screenshot(page, "responses-phone-quote")
    for path in ("/@bob/boards", f"/@bob/boards/{board.id}"):
        page.goto(instance.url(path))
        assert overflowing(page) is None, path
        assert serious_violations(Axe(), page) == [], path
    assert page.locator(".tile img.tile-photo").get_attribute("alt") == "A red teapot"
    screenshot(page, "responses-phone-board")
    assert errors == []
