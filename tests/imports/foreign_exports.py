"""Exports of other services, as small as can be but shaped as the real ones: Instagram's
"Download your information" zip in JSON format (posts in your_instagram_activity/content/
posts_1.json, their files under media/posts/, strings written as UTF-8 read as Latin-1) and
TikTok's (one user_data_tiktok.json, its own videos under Video → Videos → VideoList)."""

import io
import json

from PIL import Image

from ..support.videos import clip
from .archives import zip_of

CAROUSEL = ("media/posts/202301/328771234_1_n.jpg", "media/posts/202301/328771234_2_n.jpg")
REEL = "media/posts/202302/17890123456789012.mp4"
# The ids of the TikTok videos, the long numbers in their links.
IN_THE_ZIP, ON_THE_WEB, GONE = "7190000000000000001", "7190000000000000002", "7190000000000000003"


def jpeg(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "JPEG")
    return buffer.getvalue()


def mangled(text: str) -> str:
    """What Meta's exports write for `text`: its UTF-8 bytes, each read as a Latin-1 character."""
    return text.encode("utf-8").decode("latin-1")


def instagram_posts() -> list:
    """A carousel of two photos with its caption on the post; a reel whose only medium carries the
    caption and date (a one-medium post has none of its own); an entry that lists no media."""
    carousel = {
        "media": [{"uri": uri, "creation_timestamp": 1672628645, "title": "", "media_metadata": {
            "photo_metadata": {"exif_data": [{"latitude": 52.37, "longitude": 4.89}]}},
            "cross_post_source": {"source_app": "FB"}, "backup_uri": ""} for uri in CAROUSEL],
        "title": mangled("Café au lait ☕ #Coffee #morning\n\nbest of the week"),
        "creation_timestamp": 1672628645,
    }
    reel = {"media": [{"uri": REEL, "creation_timestamp": 1675252800, "title": mangled("Skating in Zürich #skate"),
                       "media_metadata": {"video_metadata": {"exif_data": [{}]}}, "cross_post_source": {"source_app": "FB"}}]}
    return [carousel, reel, {"title": "no media here", "creation_timestamp": 1675252800}]


def instagram_export(folder: str = "your_instagram_activity/content/", **extra) -> bytes:
    files = {f"{folder}posts_1.json": json.dumps(instagram_posts()).encode(), CAROUSEL[0]: jpeg("red"),
             CAROUSEL[1]: jpeg("blue"), REEL: clip(), "personal_information/personal_information.json": b"{}"}
    return zip_of({**files, **extra})


def tiktok_export(web_base: str) -> bytes:
    """Three videos of the account: one whose file was added to the zip, one to fetch from its
    link, one whose link is gone."""
    videos = [
        {"Date": "2023-03-04 05:06:07", "Link": f"https://www.tiktokv.com/share/video/{IN_THE_ZIP}/", "Likes": "12",
         "Title": "First try #Dance"},
        {"Date": "2023-03-05 00:00:00", "Link": f"{web_base}/obj/{ON_THE_WEB}.mp4", "Likes": "3", "Title": "second"},
        {"Date": "2023-03-06 00:00:00", "Link": f"{web_base}/obj/{GONE}.mp4", "Likes": "0"},
    ]
    data = {"Profile": {"Profile Information": {"ProfileMap": {"userName": "alice"}}},
            "Video": {"Videos": {"VideoList": videos}}}
    return zip_of({"user_data_tiktok.json": json.dumps(data).encode(), f"videos/{IN_THE_ZIP}.mp4": clip()})
