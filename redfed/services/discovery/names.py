"""What a hashtag's name is (layer 4): the stored form of what someone typed or linked."""

import re

from ...errors import NotFound

MAX_TAG = 100
_TAG = re.compile(r"^\w[\w·]*$")


def tag_name(value: str) -> str:
    """A hashtag as stored (lowercase, without "#"); NotFound for anything that is not one."""
    name = (value or "").strip().lstrip("#＃").lower()
    if not name or len(name) > MAX_TAG or not _TAG.match(name):
        raise NotFound("no such hashtag")
    return name
