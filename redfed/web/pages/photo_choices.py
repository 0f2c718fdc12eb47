"""The compose form's photos as a browser sends them (layer 6): staged uploads named by hidden
`media` fields, new files in `photos`, each photo with `alt_<key>` and `pos_<key>` (its key is
"m<media id>" or "n<index of the new file>"), the `remove` boxes, and the `cover` choice. Script
adds the fields of new files (static/compose.js); without it they take their places after the
staged ones, with no description until the person adds one."""

import math
from dataclasses import dataclass

from ...config import MediaConfig
from ...models import Media
from ...services.media import media_files
from ...services.social.compose import Choice
from ...urls import Urls

MAX_ROW_ID = 2**63 - 1
MAX_FIELDS = 100  # repeated fields read at most; far above any instance's attachment limit


@dataclass(frozen=True)
class ShownPhoto:
    key: str
    preview_url: str
    description: str


def _row_id(value: str) -> int | None:
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ROW_ID:
        return None
    return int(value)


def _position(value: str | None, default: int) -> float:
    try:
        found = float(value or "")
    except ValueError:
        return default
    return found if math.isfinite(found) else default


def removed(posted) -> list[int]:
    return [found for value in posted.getlist("remove")[:MAX_FIELDS] if (found := _row_id(value)) is not None]


def from_form(posted, uploaded) -> list[Choice]:
    gone = set(removed(posted))
    staged = [found for value in posted.getlist("media")[:MAX_FIELDS] if (found := _row_id(value)) is not None]
    choices = []
    for media_id in dict.fromkeys(staged):
        if media_id not in gone:
            choices.append(_choice(posted, f"m{media_id}", len(choices) + 1))
    files = [upload for upload in uploaded.getlist("photos")[:MAX_FIELDS] if upload.filename]
    for index, upload in enumerate(files):
        choices.append(_choice(posted, f"n{index}", len(choices) + 1, upload.stream))
    return choices


def _choice(posted, key: str, default_position: int, file=None) -> Choice:
    return Choice(key, _position(posted.get(f"pos_{key}"), default_position), posted.get(f"alt_{key}", ""), file)


def too_large(choice: Choice, limits: MediaConfig) -> bool:
    """Whether a new file is over its kind's size limit (a photo's, or a video's by its first bytes)."""
    if choice.file is None:
        return False
    kind = media_files.sniff(choice.file.read(64)) or "image/"
    choice.file.seek(0, 2)
    size = choice.file.tell()
    choice.file.seek(0)
    return size > media_files.byte_limit(kind, limits)


def shown(photo: Media, urls: Urls) -> ShownPhoto:
    return ShownPhoto(f"m{photo.id}", urls.media(photo.preview_key or photo.file_key), photo.description or "")
