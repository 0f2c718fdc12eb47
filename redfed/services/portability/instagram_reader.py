"""Reading an Instagram data export, JSON format (layer 4, pure): the zip "Download your
information" gives, checked whole as any archive is (archive_reader.checked_zip).

Its posts are in `your_instagram_activity/content/posts_1.json` (`content/posts_1.json` in older
exports; more than a few thousand posts continue in posts_2.json and on): a list of posts, each
`{"media": [{"uri", "creation_timestamp", "title", "media_metadata", ...}], "title",
"creation_timestamp"}`. A post of one photo often has no `title` or date of its own: its only
medium carries them. `uri` names the file inside the export (media/posts/YYYYMM/...jpg or .mp4).
Strings are UTF-8 read as Latin-1 (foreign_export.unmangled).
"""

import hashlib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from . import archive_reader
from .archive_reader import BadArchive
from .foreign_export import MAX_CAPTION, MAX_MEDIA, ForeignExport, ForeignPost, export_of, unmangled

SOURCE = "https://www.instagram.com/"
FOLDERS = ("your_instagram_activity/content/", "content/")
MAX_FILES = 50


def read_instagram(path: Path) -> ForeignExport:
    with archive_reader.checked_zip(path) as zf:
        members = archive_reader.member_names(zf)
        entries = [entry for name in _post_files(members) for entry in _entries(zf, name)]
    return export_of(path, SOURCE, entries, lambda entry: _post(entry, members))


def _post_files(members: frozenset[str]) -> list[str]:
    for folder in FOLDERS:
        found = [f"{folder}posts_{n}.json" for n in range(1, MAX_FILES + 1) if f"{folder}posts_{n}.json" in members]
        if found:
            return found
    raise BadArchive("this is not an Instagram export in JSON format: it has no content/posts_1.json")


def _entries(zf: zipfile.ZipFile, name: str) -> list:
    doc = archive_reader.read_json(zf, name)
    if not isinstance(doc, list):
        raise BadArchive(f"{name} must be a list of posts")
    return doc


def _post(entry, members: frozenset[str]) -> ForeignPost | str:
    """The post an entry describes, or why it cannot be read."""
    media = entry.get("media") if isinstance(entry, dict) else None
    if not isinstance(media, list) or not media or not all(isinstance(m, dict) and isinstance(m.get("uri"), str) for m in media):
        return "the entry lists no media"
    first = media[0]
    stamp = entry.get("creation_timestamp", first.get("creation_timestamp"))
    if not isinstance(stamp, int) or isinstance(stamp, bool) or not 0 < stamp < 2**34:
        return "the entry has no creation_timestamp"
    caption = entry.get("title") if isinstance(entry.get("title"), str) else first.get("title")
    caption = unmangled(caption)[:MAX_CAPTION] if isinstance(caption, str) else ""
    uris = [m["uri"] for m in media[:MAX_MEDIA]]
    found = tuple(name for uri in uris if (name := archive_reader.member_named(members, uri.lstrip("/"))))
    if not found:
        return "none of its photos or videos are in the export"
    # Instagram's export names no post id: the date and the files' names stand for it.
    digest = hashlib.sha256("\n".join([str(stamp), *uris]).encode()).hexdigest()[:24]
    published = datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ForeignPost(f"{SOURCE}#export-{stamp}-{digest}", published, caption, found)
