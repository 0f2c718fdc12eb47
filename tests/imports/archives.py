"""Archives for tests: one shaped as Mastodon's BackupService writes them (actor.json, outbox.json
of Create activities whose attachment urls are paths inside the zip, likes.json, bookmarks.json,
media_attachments/files/...), and zips that are broken or hostile in one way each."""

import io
import json
import stat
import zipfile

from PIL import Image

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = f"{AS}#Public"
OLD = "https://mastodon.example/users/alice"
MEDIA_PATH = "media_attachments/files/109/512/000/original/3f2a.png"


def png(color: str = "red", size=(30, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def _create(note: dict) -> dict:
    return {"id": f"{note['id']}/activity", "type": "Create", "actor": OLD, "published": note["published"],
            "to": note["to"], "cc": note["cc"], "object": note}


def _note(number: int, content: str, published: str, *, to, cc, summary=None, reply_to=None, attachment=(), tags=()) -> dict:
    uri = f"{OLD}/statuses/10951200000000{number}"
    return {
        "id": uri, "type": "Note", "summary": summary, "inReplyTo": reply_to, "published": published,
        "url": f"https://mastodon.example/@alice/10951200000000{number}", "attributedTo": OLD, "to": to, "cc": cc,
        "sensitive": summary is not None, "atomUri": uri, "inReplyToAtomUri": reply_to,
        "conversation": "tag:mastodon.example,2023-01-02:objectId=1:objectType=Conversation",
        "content": content, "contentMap": {"en": content}, "attachment": list(attachment), "tag": list(tags),
        "replies": {"id": f"{uri}/replies", "type": "Collection"},
    }


def mastodon_archive(liked: list[str] = (), bookmarked: list[str] = ()) -> bytes:
    """Three posts (public with a photo and a hashtag, an unlisted reply with a content warning, a
    followers-only one), a boost, likes and bookmarks, as Mastodon 4 exports them."""
    photo = {"type": "Document", "mediaType": "image/png", "url": MEDIA_PATH, "name": "A red square on white",
             "blurhash": "UAAAAAAA", "focalPoint": [0.0, 0.0], "width": 30, "height": 20}
    first = _note(1, '<p>Hello <script>alert(1)</script><a href="https://mastodon.example/tags/cats" class="mention hashtag" rel="tag">#<span>cats</span></a></p>',
                  "2023-01-02T03:04:05Z", to=[PUBLIC], cc=[f"{OLD}/followers"], attachment=[photo],
                  tags=[{"type": "Hashtag", "href": "https://mastodon.example/tags/cats", "name": "#cats"}])
    reply = _note(2, "<p>a reply &amp; more</p>", "2023-01-03T00:00:00Z", to=[f"{OLD}/followers"], cc=[PUBLIC],
                  summary="spoilers & such", reply_to=first["id"])
    private = _note(3, "<p>for followers</p>", "2023-02-01T12:00:00Z", to=[f"{OLD}/followers"], cc=[])
    boost = {"id": f"{OLD}/statuses/4/activity", "type": "Announce", "actor": OLD, "published": "2023-02-02T00:00:00Z",
             "to": [PUBLIC], "cc": [], "object": "https://elsewhere.example/notes/1"}
    outbox = {"@context": AS, "id": "outbox.json", "type": "OrderedCollection", "totalItems": 4,
              # Mastodon writes the newest first; the reply comes before the post it answers.
              "orderedItems": [_create(private), boost, _create(reply), _create(first)]}
    actor = {"@context": [AS, "https://w3id.org/security/v1"], "id": OLD, "type": "Person", "preferredUsername": "alice",
             "name": "Alice", "inbox": f"{OLD}/inbox", "outbox": f"{OLD}/outbox", "followers": f"{OLD}/followers",
             "following": f"{OLD}/following", "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"}}
    files = {
        "actor.json": json.dumps(actor).encode(), "outbox.json": json.dumps(outbox).encode(),
        "likes.json": json.dumps({"@context": AS, "id": "likes.json", "type": "OrderedCollection", "orderedItems": list(liked)}).encode(),
        "bookmarks.json": json.dumps({"@context": AS, "id": "bookmarks.json", "type": "OrderedCollection", "orderedItems": list(bookmarked)}).encode(),
        "avatar.png": png("green"), MEDIA_PATH: png("red"),
    }
    return zip_of(files)


def zip_of(files: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _minimal(**extra) -> dict:
    outbox = {"type": "OrderedCollection", "orderedItems": [_create(_note(1, "<p>hi</p>", "2023-01-01T00:00:00Z", to=[PUBLIC], cc=[]))]}
    return {"actor.json": json.dumps({"id": OLD, "type": "Person"}).encode(), "outbox.json": json.dumps(outbox).encode(), **extra}


def with_symlink() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in _minimal().items():
            zf.writestr(name, data)
        link = zipfile.ZipInfo("media_attachments/files/secret.png")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def lying_bomb() -> bytes:
    """A member whose headers claim 1,000 bytes while it inflates to 50 MB: only the reading
    itself can tell (zipfile stops at the declared size, then the CRC disagrees)."""
    data = zip_of(_minimal(**{"media_attachments/files/lie.png": b"\0" * (50 * 1024 * 1024)}))
    name = b"media_attachments/files/lie.png"
    claimed = (1000).to_bytes(4, "little")
    out = bytearray(data)
    local = data.index(name) - 30  # the local file header, whose name follows its 30 bytes
    central = data.rindex(name) - 46  # the central directory entry, 46 bytes before its name
    assert out[local:local + 4] == b"PK\x03\x04" and out[central:central + 4] == b"PK\x01\x02"
    out[local + 22:local + 26] = claimed
    out[central + 24:central + 28] = claimed
    return bytes(out)


def hostile_archives() -> dict:
    """name → (a maker of the zip's bytes, what the refusal must say)."""
    deep = b"[" * 100_000 + b"]" * 100_000
    wrong_types = {"type": "OrderedCollection", "orderedItems": "everything"}
    bad_item = {"type": "OrderedCollection", "orderedItems": [{"type": "Create", "object": 42}]}
    wrong_field = {"type": "OrderedCollection", "orderedItems": [{"type": "Create", "object": {"id": f"{OLD}/s/1", "type": "Note", "content": ["x"]}}]}
    return {
        "zip bomb": (lambda: zip_of(_minimal(**{"media_attachments/files/zeros.png": b"\0" * (50 * 1024 * 1024)})), "zip bomb"),
        "parent path": (lambda: zip_of(_minimal(**{"../../evil.png": b"x"})), "unsafe name"),
        "parent path inside": (lambda: zip_of(_minimal(**{"media_attachments/../../evil.png": b"x"})), "unsafe name"),
        "absolute path": (lambda: zip_of(_minimal(**{"/etc/cron.d/evil": b"x"})), "unsafe name"),
        "backslashes": (lambda: zip_of(_minimal(**{"..\\..\\evil.png": b"x"})), "unsafe name"),
        "symlink": (lambda: with_symlink(), "symbolic link"),
        "outbox not JSON": (lambda: zip_of({**_minimal(), "outbox.json": b"<html>not json</html>"}), "not valid JSON"),
        "NaN in JSON": (lambda: zip_of({**_minimal(), "outbox.json": b'{"orderedItems": [NaN]}'}), "not valid JSON"),
        "deeply nested JSON": (lambda: zip_of({**_minimal(), "outbox.json": deep}), "not valid JSON"),
        "outbox of the wrong type": (lambda: zip_of({**_minimal(), "outbox.json": json.dumps(wrong_types).encode()}), "orderedItems"),
        "item without a post": (lambda: zip_of({**_minimal(), "outbox.json": json.dumps(bad_item).encode()}), "does not carry a post"),
        "field of the wrong type": (lambda: zip_of({**_minimal(), "outbox.json": json.dumps(wrong_field).encode()}), "wrong type"),
        "no actor": (lambda: zip_of({"outbox.json": _minimal()["outbox.json"]}), "no actor.json"),
        "too many entries": (lambda: zip_of(_minimal(**{f"junk/{n}.txt": b"" for n in range(10_001)}), zipfile.ZIP_STORED), "more than 10,000 files"),
        "huge JSON": (lambda: zip_of({**_minimal(), "outbox.json": b" " * (33 * 1024 * 1024)}, zipfile.ZIP_STORED), "too large"),
        "lying sizes": (lying_bomb, "cannot be read"),
        "not a zip": (lambda: b"PK\x03\x04 but then nothing", "not a zip archive"),
        "truncated zip": (lambda: zip_of(_minimal())[:-30], "not a zip archive"),
    }
