"""Custom emoji as the independent Fedify peer reads them: the Emoji tags of a redfed post and of
a redfed account survive Fedify's JSON-LD processing (so our context names them right)."""

import io

from PIL import Image

from redfed.services.accounts import profiles
from redfed.services.emoji import emojis
from redfed.services.social import posts

from ..support import api


def _blobcat(instance):
    image = io.BytesIO()
    Image.new("RGBA", (24, 24), "purple").save(image, "PNG")
    image.seek(0)
    return instance.run(emojis.add(instance.ctx, instance.actor("alice"), "blobcat", image))


def _emoji_tags(document: dict) -> list[tuple[str, str]]:
    tags = document.get("tag", [])
    tags = tags if isinstance(tags, list) else [tags]
    return [(t["name"], t["icon"]["url"]) for t in tags if t.get("type") == "Emoji"]


def test_fedify_reads_the_emoji_tags_of_posts_and_accounts(instance, fedify_peer):
    alice = instance.create_user("alice").actor
    blobcat = _blobcat(instance)
    post = instance.run(posts.create_local_post(instance.ctx, alice, "warm :blobcat: bread"))
    instance.run(profiles.update_profile(instance.ctx, alice, display_name="Alice :blobcat:"))

    note = fedify_peer.lookup(post.uri)["json"]
    assert _emoji_tags(note) == [(":blobcat:", blobcat.image_url)]
    assert ":blobcat:" in note["content"]
    person = fedify_peer.lookup(alice.uri)["json"]
    assert _emoji_tags(person) == [(":blobcat:", blobcat.image_url)]


def test_a_fedify_accounts_emoji__are_in_its_account_entity(instance, fedify_peer):
    instance.create_user("alice")
    pia = fedify_peer.create_actor("pia")
    image = f"http://127.0.0.1:{fedify_peer.port}/emojis/fedicat.png"
    fedify_peer.update_profile("pia", display_name="Pia :fedicat:", emojis={"fedicat": image})
    account = api.client(instance, "alice").account(instance.resolve(pia["id"]).id)
    assert account["display_name"] == "Pia :fedicat:"
    assert [(e["shortcode"], e["url"]) for e in account["emojis"]] == [("fedicat", image)]
