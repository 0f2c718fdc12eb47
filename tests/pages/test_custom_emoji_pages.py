"""Custom emoji on the pages: `:shortcode:` in a post, a display name and a bio is drawn as the
emoji's image wherever the post or account carries that emoji, and only in text."""

import io
import re

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from redfed.services.emoji import emojis
from redfed.services.social import posts
from redfed.store.emoji.emojis import CustomEmoji
from redfed.web.pages.emoji_text import emojify

from ..support import api
from ..support.http import get

BLOBCAT = CustomEmoji(1, "blobcat", "", "https://here/emojis/1", "https://here/media/blobcat.png", None, None, True, 0, 0)


def _drawn(html: str) -> list[str]:
    return re.findall(r'<img class="emoji" src="([^"]+)" alt=":(\w+):"', html)


def test_emoji__drawn_in_posts_names_and_bios(instance):
    alice = instance.create_user("alice", is_admin=True).actor
    image = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(image, "PNG")
    image.seek(0)
    emoji = instance.run(emojis.add(instance.ctx, alice, "blobcat", image))
    api.client(instance, "alice").account_update_credentials(display_name="Alice :blobcat:", note="bakes :blobcat: :nope:")
    post = instance.run(posts.create_local_post(instance.ctx, alice, "fresh :blobcat: bread"))

    page = get(instance.url(f"/@alice/{post.id}")).body.decode()
    assert _drawn(page) == [(emoji.image_url, "blobcat")] * 2  # the author's name and the post
    profile = get(instance.url("/@alice")).body.decode()
    assert len(_drawn(profile)) == 3  # the name, the bio, and the author of the grid's one tile
    assert ":nope:" in profile  # not an emoji of this server: left as text


def test_emojify__touches_text_only():
    html = '<p>a :blobcat: <a href="https://x/:blobcat:/" title=":blobcat:">:blobcat:</a></p>'
    drawn = str(emojify(html, [BLOBCAT]))
    assert drawn.count('<img class="emoji"') == 2
    assert 'href="https://x/:blobcat:/" title=":blobcat:"' in drawn


def _tags(html: str) -> list[str]:
    return [tag for tag in re.findall(r"<[^>]*>", html) if not tag.startswith('<img class="emoji"')]


@given(st.text(alphabet='<>:blobcat_"= /p'))
def test_emojify__changes_nothing_without_emoji_and_keeps_every_tag(html):
    assert str(emojify(html, [])) == html
    assert _tags(str(emojify(html, [BLOBCAT]))) == _tags(html)
