"""Reading a TikTok data export, JSON format (layer 4, pure), checked whole as any archive is
(archive_reader.checked_zip).

The export is one JSON file, `user_data_tiktok.json` (`user_data.json` in older ones), its own
videos under `Video` → `Videos` → `VideoList` (newer: `Post` → `Posts` → `VideoList`; some
versions nest these under `Activity`), each `{"Date": "2023-01-02 03:04:05", "Link": ...,
"Likes": ...}` and in newer exports its caption as `Title`. The dates are UTC. The export has no
video files: whoever downloaded them may add them to the zip, named by the video's id (the long
number in its link); a video not found so is fetched from its link when imported.
"""

import hashlib
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from ...protocol.http_urls import parse_http_url
from . import archive_reader
from .archive_reader import BadArchive
from .foreign_export import MAX_CAPTION, ForeignExport, ForeignPost, export_of

SOURCE = "https://www.tiktok.com/"
JSON_NAMES = ("user_data_tiktok.json", "user_data.json")
SECTIONS = (("Video", "Videos"), ("Post", "Posts"))
LISTS = ("VideoList", "videoList", "PostList")
DATE_KEYS, LINK_KEYS = ("Date", "date"), ("Link", "link", "VideoLink", "Video Link")
CAPTION_KEYS = ("Title", "title", "Description", "Desc", "Caption")
VIDEO_SUFFIXES = (".mp4", ".mov", ".webm")
_VIDEO_ID = re.compile(r"(?<!\d)(\d{15,22})(?!\d)")


def read_tiktok(path: Path) -> ForeignExport:
    with archive_reader.checked_zip(path) as zf:
        members = archive_reader.member_names(zf)
        items = _video_list(_user_data(zf, members))
        files = {PurePosixPath(name).stem: name for name in members if name.lower().endswith(VIDEO_SUFFIXES)}
    return export_of(path, SOURCE, items, lambda item: _post(item, files))


def _user_data(zf: zipfile.ZipFile, members: frozenset[str]):
    # At the top of the zip, or in the one folder the export was unpacked into and zipped again.
    found = sorted((name for name in members if PurePosixPath(name).name in JSON_NAMES), key=lambda n: n.count("/"))
    if not found:
        raise BadArchive("this is not a TikTok export in JSON format: it has no user_data_tiktok.json")
    doc = archive_reader.read_json(zf, found[0])
    if not isinstance(doc, dict):
        raise BadArchive(f"{found[0]} must be an object")
    return doc


def _video_list(doc: dict) -> list:
    for root in (doc, doc.get("Activity"), doc.get("Your Activity")):
        for outer, inner in SECTIONS:
            section = _get(_get(root, outer), inner)
            for key in LISTS:
                items = _get(section, key)
                if items is not None and not isinstance(items, list):
                    raise BadArchive(f"{outer} → {inner} → {key} must be a list")
                if items is not None:
                    return items
    return []  # an account that posted nothing has the section empty or missing


def _get(value, key):
    return value.get(key) if isinstance(value, dict) else None


def _first(item: dict, keys) -> str | None:
    return next((item[k] for k in keys if isinstance(item.get(k), str) and item[k].strip()), None)


def _post(item, files: dict[str, str]) -> ForeignPost | str:
    if not isinstance(item, dict):
        return "the entry is not a video"
    try:
        date = datetime.strptime(_first(item, DATE_KEYS) or "", "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return "the entry has no Date"
    link = _first(item, LINK_KEYS)
    link = link.strip() if link and parse_http_url(link.strip()) is not None else None
    video_id = _VIDEO_ID.search(link or "")
    member = files.get(video_id[1]) if video_id else None
    if link is None and member is None:
        return "the entry has no Link"
    caption = (_first(item, CAPTION_KEYS) or "")[:MAX_CAPTION]
    if video_id:
        origin = f"{SOURCE}share/video/{video_id[1]}"
    else:
        origin = f"{SOURCE}#export-{hashlib.sha256(f'{date.isoformat()} {link}'.encode()).hexdigest()[:24]}"
    published = date.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ForeignPost(origin, published, caption, (member,) if member else (), None if member else link)
