"""Reading an uploaded CSV as Mastodon's importer reads it (layer 4, pure).

Mastodon's Form::Import: at most 20 MB and 20,000 rows; a first row whose first cell is a known
header is the header row, otherwise the file is read with the type's default headers (the
one-column files older exports wrote); blank lines are skipped; only the expected columns are
kept; booleans are read as Rails casts them; a file lacking the type's required columns is
"incompatible with the selected import type". Followed hashtags have no Mastodon import: redfed
reads its own one-column export, a header row (`#tag` or `Hashtag`) being optional, and tags with
or without their `#`.
"""

import csv
import io
from dataclasses import dataclass

from ...errors import PayloadTooLarge, Unprocessable

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MODES = ("merge", "overwrite")

EXPECTED_HEADERS = {
    "following": ("Account address", "Show boosts", "Notify on new posts", "Languages"),
    "blocks": ("Account address",),
    "mutes": ("Account address", "Hide notifications"),
    "domain_blocks": ("#domain",),
    "bookmarks": ("#uri",),
    "lists": ("List name", "Account address"),
    "followed_hashtags": ("#tag",),
}
DEFAULT_HEADERS = {
    "following": ("Account address",), "blocks": ("Account address",), "mutes": ("Account address",),
    "domain_blocks": ("#domain",), "bookmarks": ("#uri",), "lists": ("List name", "Account address"),
    "followed_hashtags": ("#tag",),
}
# Header spellings read as another: Hashtag is a common name for the one tag column.
_ALIASES = {"Hashtag": "#tag", "Tag": "#tag"}
KNOWN_FIRST_HEADERS = {"Account address", "#domain", "#uri", "List name", "#tag", "Hashtag", "Tag"}
ATTRIBUTE_BY_HEADER = {
    "Account address": "acct", "Show boosts": "show_reblogs", "Notify on new posts": "notify",
    "Languages": "languages", "Hide notifications": "hide_notifications", "#domain": "domain", "#uri": "uri",
    "List name": "list_name", "#tag": "tag",
}
# Mastodon's type names, accepted beside redfed's (which are its export's names).
KIND_ALIASES = {"blocking": "blocks", "muting": "mutes", "domain_blocking": "domain_blocks"}
CSV_KINDS = tuple(EXPECTED_HEADERS)
# Zips rather than CSVs: an account archive (redfed's or Mastodon's), an Instagram or TikTok export.
FILE_KINDS = ("archive", "instagram", "tiktok")
_FALSE = {"", "0", "f", "false", "off", "no", "n"}

TOO_LARGE = "File is too large (the limit is 20 MB)"
INCOMPATIBLE = "Incompatible with the selected import type"
EMPTY = "Empty CSV file"
TOO_MANY_ROWS = f"The file contains more than {MAX_ROWS:,} rows"


@dataclass(frozen=True)
class ParsedCsv:
    kind: str
    rows: list[dict]  # each: {"row": line number in the file, <attribute>: value, ...}


def kind_of(value: str | None) -> str:
    kind = KIND_ALIASES.get(value or "", value or "")
    if kind not in CSV_KINDS and kind not in FILE_KINDS:
        raise Unprocessable(f"type must be one of {', '.join((*CSV_KINDS, *FILE_KINDS))}")
    return kind


def mode_of(value: str | None) -> str:
    mode = value or "merge"
    if mode not in MODES:
        raise Unprocessable("mode must be merge or overwrite")
    return mode


def boolean(value: str | None) -> bool | None:
    """Rails' cast: blank is unknown, the usual spellings of no are False, anything else True."""
    if value is None or not value.strip():
        return None
    return value.strip().lower() not in _FALSE


def _convert(header: str, value: str | None):
    if value is None:
        return None
    if header in ("Show boosts", "Notify on new posts", "Hide notifications"):
        return boolean(value)
    if header == "Languages":
        return [part.strip() for part in value.split(",") if part.strip()] or None
    if header == "Account address":
        return value.strip().removeprefix("@")
    return value.strip()


def parse(kind: str, data: bytes) -> ParsedCsv:
    """The rows of an uploaded CSV, or Unprocessable / PayloadTooLarge saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(TOO_LARGE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unprocessable("Invalid CSV file. Error: the file is not UTF-8 text") from None
    if "\x00" in text:
        raise Unprocessable("Invalid CSV file. Error: the file contains NUL bytes")
    records = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), strict=True):
            if any(cell.strip() for cell in record):
                records.append((len(records), record))
            if len(records) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise Unprocessable(f"Invalid CSV file. Error: {error}") from None
    if not records:
        raise Unprocessable(EMPTY)
    first = [cell.strip() for cell in records[0][1]]
    if first and first[0] in KNOWN_FIRST_HEADERS:
        headers, body = [_ALIASES.get(h, h) for h in first], records[1:]
    else:
        headers, body = list(DEFAULT_HEADERS[kind]), records
    if not all(h in headers for h in DEFAULT_HEADERS[kind]):
        raise Unprocessable(INCOMPATIBLE)
    if len(body) > MAX_ROWS:
        raise Unprocessable(TOO_MANY_ROWS)
    wanted = EXPECTED_HEADERS[kind]
    rows = []
    for index, record in body:
        row = {"row": index + 1}  # the record's place in the file, the header counted
        for position, header in enumerate(headers):
            if header in wanted:
                row[ATTRIBUTE_BY_HEADER[header]] = _convert(header, record[position] if position < len(record) else None)
        rows.append(row)
    return ParsedCsv(kind, rows)
