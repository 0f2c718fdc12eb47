"""Videos between servers (issue 15): a redfed video goes out as Mastodon sends one (a Document
with mediaType video/mp4, the alt text as name, its size, blurhash, length, and the poster as
an `icon` Image), the independent Fedify peer reads it, and a second redfed instance shows the
remote video with its poster, in the API and on its page, without copying the file."""

import io
import json

from redfed.services.media import media
from redfed.services.social import posts

from ..support import api
from ..support.http import get
from ..support.videos import clip


def _video_post(instance):
    alice = instance.create_user("alice").actor
    upload = instance.run(media.upload(instance.ctx, alice, io.BytesIO(clip(size=(96, 64))), description="Pouring the tea")).media
    return instance.run(posts.create_local_post(instance.ctx, alice, "Tea time", media=[upload])), upload


def _attachment(note: dict) -> dict:
    attachments = note["attachment"]
    return attachments[0] if isinstance(attachments, list) else attachments


def test_video_attachment__goes_out_as_mastodon_sends_it_and_fedify_reads_it(instance, fedify_peer):
    post, upload = _video_post(instance)
    sent = _attachment(json.loads(get(post.uri, headers={"Accept": "application/activity+json"}).body))
    urls = instance.runtime.urls
    assert sent == {
        "type": "Document", "mediaType": "video/mp4", "url": urls.media(upload.file_key), "name": "Pouring the tea",
        "blurhash": upload.blurhash, "width": 96, "height": 64, "duration": f"PT{upload.meta['original']['duration']:g}S",
        "icon": {"type": "Image", "mediaType": "image/jpeg", "url": urls.media(upload.preview_key)},
    }
    read = _attachment(fedify_peer.lookup(post.uri)["json"])
    assert read["mediaType"] == "video/mp4" and read["name"] == "Pouring the tea"
    assert read["width"] == 96 and read["height"] == 64
    icon = read["icon"]
    assert (icon["url"] if isinstance(icon, dict) else icon) == urls.media(upload.preview_key)


def test_remote_video__is_shown_with_its_poster_by_another_redfed(start_instance):
    a, b = start_instance("a"), start_instance("b")
    post, upload = _video_post(a)
    b.create_user("bob")
    copy = b.run(posts.fetch_post(b.ctx, post.uri))
    poster = a.runtime.urls.media(upload.preview_key)
    seen = api.client(b, "bob").status(copy.id)["media_attachments"][0]
    assert seen["type"] == "video" and seen["remote_url"] == a.runtime.urls.media(upload.file_key)
    assert seen["preview_url"] == poster and seen["description"] == "Pouring the tea"
    page = get(b.url(f"/posts/{copy.id}")).body.decode()
    assert f'<video class="note-video" controls preload="metadata" playsinline src="{seen["remote_url"]}" poster="{poster}"' in page
    assert 'aria-label="Pouring the tea"' in page and "autoplay" not in page
