"""Quotes, reactions and saves on the pages, over plain HTTP: the quoted post as a card inside the
quoting one, the reaction bar and its forms, the counts."""

import re

from redfed.federation.reactions import Reaction
from redfed.services.responses import boards, quotes, reactions
from redfed.services.social import posts

from .test_forms import Browser


def _token(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text)[1]


def test_post_page__shows_the_quoted_post_as_a_card(instance):
    alice = instance.create_user("alice").actor
    carol = instance.create_user("carol").actor
    original = instance.run(posts.create_local_post(instance.ctx, alice, "the original <thought>"))
    draft = instance.run(quotes.prepare(instance.ctx, carol, original))
    quoting = instance.run(posts.create_local_post(instance.ctx, carol, "so true", quote=draft))
    page = Browser().open(instance.url(f"/@carol/{quoting.id}")).text
    card = re.search(r'<blockquote class="quote-card">(.*?)</blockquote>', page, re.S)[1]
    assert f'href="{original.url}"' in card and "the original &lt;thought&gt;" in card
    assert "1 quote" in Browser().open(instance.url(f"/@alice/{original.id}")).text


def test_reaction_bar__counts_and_its_forms_react_and_take_back(instance):
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    post = instance.run(posts.create_local_post(instance.ctx, alice, "lunch"))
    instance.run(reactions.react(instance.ctx, bob, post, Reaction("🍜")))
    board = instance.run(boards.create(instance.ctx, bob, "Food", is_public=True))
    instance.run(boards.save(instance.ctx, bob, board, post))
    anonymous = Browser().open(instance.url(f"/@alice/{post.id}")).text
    assert re.search(r'class="reaction">🍜 <span class="count">1</span>', anonymous)
    assert "1 save" in anonymous and "/react" not in anonymous  # no forms for strangers
    carol = Browser()
    instance.create_user("carol")
    carol.sign_in(instance, "carol")
    token = _token(carol.open(instance.url(f"/@alice/{post.id}")).text)
    for emoji in ("🍜", "❤️"):
        reply = carol.open(instance.url(f"/posts/{post.id}/react"), {"csrf_token": token, "emoji": emoji, "next": f"/@alice/{post.id}"})
        assert reply.status == 303
    page = carol.open(instance.url(f"/@alice/{post.id}")).text
    assert re.search(r'aria-pressed="true">🍜 <span class="count">2</span>', page)
    assert re.search(r'aria-pressed="true">❤️ <span class="count">1</span>', page)
    carol.open(instance.url(f"/posts/{post.id}/unreact"), {"csrf_token": token, "emoji": "❤️", "next": "/home"})
    assert "❤️ <span" not in carol.open(instance.url(f"/@alice/{post.id}")).text
    forged = carol.open(instance.url(f"/posts/{post.id}/react"), {"csrf_token": "forged", "emoji": "👍", "next": "/home"})
    assert forged.status in (400, 403)
    assert "👍 <span" not in carol.open(instance.url(f"/@alice/{post.id}")).text


def test_quote_button__opens_compose_with_the_card_and_publishes_the_quote(instance):
    alice = instance.create_user("alice").actor
    instance.create_user("bob")
    original = instance.run(posts.create_local_post(instance.ctx, alice, "quote me"))
    closed = instance.run(posts.create_local_post(instance.ctx, alice, "not me", quote_policy="nobody"))
    bob = Browser()
    bob.sign_in(instance, "bob")
    assert f'href="/compose?quote={original.id}"' in bob.open(instance.url(f"/@alice/{original.id}")).text
    assert "/compose?quote=" not in bob.open(instance.url(f"/@alice/{closed.id}")).text
    form = bob.open(instance.url(f"/compose?quote={original.id}")).text
    assert '<blockquote class="quote-card">' in form and f'name="quote" value="{original.id}"' in form
    fields = {"csrf_token": _token(form), "text": "agreed", "quote": str(original.id), "visibility": "public"}
    assert bob.open(instance.url("/compose"), fields).status == 303
    refused = bob.open(instance.url("/compose"), dict(fields, quote=str(closed.id), text="sneaky"))
    assert refused.status == 422 and "does not allow you to quote it" in refused.text
    page = Browser().open(instance.url("/@bob")).text
    assert "agreed" in page and "sneaky" not in page
    assert "1 quote" in Browser().open(instance.url(f"/@alice/{original.id}")).text
