"""Reading an account archive (redfed's export or Mastodon's) without trusting it (layer 4, pure).

Everything is checked before anything is imported, so a refused archive leaves nothing behind:
the zip's directory (how many members, their names - no absolute paths, no `..`, no
backslashes, no symlinks, no duplicates, no encryption - and their declared sizes and
compression ratios, the zip-bomb signs), then every member is read once in bounded chunks (the
bytes counted against the declared size, the CRC checked by zipfile at the end), and the JSON
files are parsed with size caps and checked for the types the importer relies on.
"""

import contextlib
import dataclasses
import json
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...errors import PayloadTooLarge, Unprocessable

MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_ENTRY_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_POSTS = 50_000
MAX_BOARDS = 200  # as many as an account may have (services/responses/boards.py)
MAX_TIERS = 20  # as many as an account may have (services/supporters/tiers.py)
MAX_NAME = 512
CHUNK = 1024 * 1024
POST_TYPES = frozenset({"Note", "Question", "Article", "Page", "Image", "Video", "Audio"})


class BadArchive(Unprocessable):
    """The archive is refused as a whole; `message` says why."""


@dataclass(frozen=True)
class ArchivedBoard:
    name: str
    description: str
    public: bool
    uris: list[str]  # oldest saved first


@dataclass(frozen=True)
class Archive:
    path: Path
    actor_uri: str
    followers_uri: str | None
    notes: list[dict]           # the Create(Note) objects, in the outbox's order
    skipped: int                # outbox items that are not posts (boosts and the like)
    likes: list[str]
    bookmarks: list[str]
    members: frozenset[str]
    # redfed's listings.json: post id → the listing it carried (checked by listing_import)
    listings: dict[str, dict] = dataclasses.field(default_factory=dict)
    boards: list["ArchivedBoard"] = dataclasses.field(default_factory=list)  # redfed's boards.json
    tiers: list[dict] = dataclasses.field(default_factory=list)  # redfed's supporters.json (checked on import)

    def member_for(self, url) -> str | None:
        """The member an attachment's url names (Mastodon writes paths without /system/, some
        with a leading slash), if the archive has it."""
        if not isinstance(url, str):
            return None
        return member_named(self.members, url.lstrip("/"))

    def read(self, name: str, limit: int = MAX_ENTRY_BYTES) -> bytes:
        return read_member(self.path, name, limit)


def member_named(members: frozenset[str], name: str) -> str | None:
    """`name` when the archive has a member so called (and the name is a safe one)."""
    return name if name in members and _safe_name(name) else None


def _safe_name(name: str) -> bool:
    parts = name.split("/")
    return (
        0 < len(name) <= MAX_NAME and "\\" not in name and "\x00" not in name and not name.startswith("/")
        and not (len(name) > 1 and name[1] == ":") and ".." not in parts and "." not in parts
    )


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise BadArchive(f"the archive has more than {MAX_ENTRIES:,} files")
    seen, total = set(), 0
    for info in infos:
        name = info.filename
        if not _safe_name(name.rstrip("/") if info.is_dir() else name):
            raise BadArchive(f"the archive holds a file with an unsafe name: {name[:100]!r}")
        if name in seen:
            raise BadArchive(f"the archive holds {name[:100]!r} twice")
        seen.add(name)
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            raise BadArchive(f"the archive holds a symbolic link: {name[:100]!r}")
        if info.flag_bits & 0x1:
            raise BadArchive("encrypted archives are not supported")
        if info.file_size > MAX_ENTRY_BYTES:
            raise BadArchive(f"{name[:100]!r} is larger than {MAX_ENTRY_BYTES // 1024 // 1024} MB")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BadArchive(f"{name[:100]!r} expands more than {MAX_RATIO} times: the archive looks like a zip bomb")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise BadArchive(f"the archive expands to more than {MAX_TOTAL_BYTES // 1024 // 1024} MB")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, never more than its declared size nor `limit`, CRC checked."""
    if info.file_size > limit:
        raise BadArchive(f"{info.filename[:100]!r} is too large ({info.file_size:,} bytes)")
    chunks, size = [], 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                if size > min(info.file_size, limit):
                    raise BadArchive(f"{info.filename[:100]!r} is larger than it says")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError) as error:
        raise BadArchive(f"{info.filename[:100]!r} cannot be read: {error}") from None
    except RuntimeError as error:  # zipfile's "encrypted, password required"
        raise BadArchive(f"{info.filename[:100]!r} cannot be read: {error}") from None
    return b"".join(chunks)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def read_json(zf: zipfile.ZipFile, name: str, required: bool = True):
    try:
        info = zf.getinfo(name)
    except KeyError:
        if required:
            raise BadArchive(f"the archive has no {name}") from None
        return None
    data = _read_member(zf, info, MAX_JSON_BYTES)
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BadArchive(f"{name} is not valid JSON: {str(error)[:200]}") from None


def _uri_list(doc, name: str) -> list[str]:
    if doc is None:
        return []
    items = doc.get("orderedItems") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, str) and len(item) <= 2048 for item in items):
        raise BadArchive(f"{name} must be a collection of post addresses")
    if len(items) > MAX_POSTS:
        raise BadArchive(f"{name} lists more than {MAX_POSTS:,} posts")
    return items


def _boards(doc) -> list[ArchivedBoard]:
    """redfed's boards.json: each board's name, description, whether public, and its posts."""
    items = doc.get("orderedItems") if isinstance(doc, dict) else [] if doc is None else None
    if not isinstance(items, list) or len(items) > MAX_BOARDS or not all(isinstance(i, dict) for i in items):
        raise BadArchive("boards.json must be a collection of boards")
    found = []
    for item in items:
        name, summary = item.get("name"), item.get("summary", "")
        if not isinstance(name, str) or not isinstance(summary, str):
            raise BadArchive("a board in boards.json needs a name")
        found.append(ArchivedBoard(name[:200], summary[:2000], item.get("public") is True, _uri_list(item, "boards.json")))
    return found


def _tiers(doc) -> list[dict]:
    """The support tiers in redfed's supporters.json; each is checked as a new tier when imported.
    Its supporters stay behind: they supported the old account, and their grants are its own."""
    tiers = doc.get("tiers") if isinstance(doc, dict) else [] if doc is None else None
    if not isinstance(tiers, list) or len(tiers) > MAX_TIERS or not all(isinstance(t, dict) for t in tiers):
        raise BadArchive("supporters.json must hold a list of tiers")
    return tiers


def _listings(doc) -> dict[str, dict]:
    """redfed's listings.json, by the id of the post that carries each listing (the first entry
    for a post counts). Its fields are checked item by item when the post is imported."""
    if doc is None:
        return {}
    items = doc.get("orderedItems") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise BadArchive("listings.json must be a collection with orderedItems")
    if len(items) > MAX_POSTS:
        raise BadArchive(f"listings.json holds more than {MAX_POSTS:,} listings")
    found: dict[str, dict] = {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("post"), str) or len(item["post"]) > 2048:
            raise BadArchive(f"listings.json item {number} does not name its post")
        found.setdefault(item["post"], item)
    return found


def _notes(outbox) -> tuple[list[dict], int]:
    items = outbox.get("orderedItems") if isinstance(outbox, dict) else None
    if not isinstance(items, list):
        raise BadArchive("outbox.json must be a collection with orderedItems")
    if len(items) > MAX_POSTS:
        raise BadArchive(f"outbox.json holds more than {MAX_POSTS:,} items")
    notes, skipped = [], 0
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise BadArchive(f"outbox.json item {number} is not an activity")
        if item["type"] != "Create":
            skipped += 1  # boosts (Announce) and anything else are not posts of this account
            continue
        note = item.get("object")
        if not isinstance(note, dict) or not isinstance(note.get("id"), str) or not isinstance(note.get("type"), str):
            raise BadArchive(f"outbox.json item {number} does not carry a post")
        if note["type"] not in POST_TYPES:
            skipped += 1
            continue
        for field, kinds in (("content", (str, type(None))), ("summary", (str, type(None))), ("published", (str, type(None))),
                             ("attachment", (list, dict, type(None))), ("tag", (list, dict, type(None)))):
            if not isinstance(note.get(field), kinds):
                raise BadArchive(f"outbox.json item {number}: {field} has the wrong type")
        notes.append(note)
    return notes, skipped


@contextlib.contextmanager
def checked_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    """The zip at `path`, open, once its directory and every member have passed the checks above
    (every CRC, every size, before anything is stored); BadArchive says what is wrong with it."""
    if path.stat().st_size > MAX_ARCHIVE_BYTES:
        raise PayloadTooLarge(f"the archive is larger than {MAX_ARCHIVE_BYTES // 1024 // 1024} MB")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise BadArchive(f"this is not a zip archive ({error})") from None
    with zf:
        _check_directory(zf.infolist())
        for info in zf.infolist():
            if not info.is_dir():
                _read_member(zf, info, MAX_ENTRY_BYTES)
        yield zf


def member_names(zf: zipfile.ZipFile) -> frozenset[str]:
    return frozenset(info.filename for info in zf.infolist() if not info.is_dir())


def read_member(path: Path, name: str, limit: int = MAX_ENTRY_BYTES) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return _read_member(zf, zf.getinfo(name), limit)


def read_archive(path: Path) -> Archive:
    """Check the archive at `path` through and through; BadArchive says what is wrong with it."""
    with checked_zip(path) as zf:
        actor = read_json(zf, "actor.json")
        if not isinstance(actor, dict) or not isinstance(actor.get("id"), str) or not actor["id"].startswith(("https://", "http://")):
            raise BadArchive("actor.json must be an actor with an id")
        followers = actor.get("followers") if isinstance(actor.get("followers"), str) else None
        notes, skipped = _notes(read_json(zf, "outbox.json"))
        likes = _uri_list(read_json(zf, "likes.json", required=False), "likes.json")
        bookmarks = _uri_list(read_json(zf, "bookmarks.json", required=False), "bookmarks.json")
        listings = _listings(read_json(zf, "listings.json", required=False))
        boards = _boards(read_json(zf, "boards.json", required=False))
        tiers = _tiers(read_json(zf, "supporters.json", required=False))
        members = member_names(zf)
    return Archive(path, actor["id"], followers, notes, skipped, likes, bookmarks, members, listings, boards, tiers)
