"""The "paid partnership" disclosure of a post (layer 3, pure): the visible line at the top of its
content, and the machine-readable marker on its Note (`paidPartnership: true`, a term of redfed's
JSON-LD context, https://w3id.org/redfed#paidPartnership). FEDERATION.md, "Paid partnerships".

The line is part of the content, so every reader sees it - Mastodon and its apps, our pages, the
API - whether or not it understands the marker.
"""

import re

TERMS = {"redfed": "https://w3id.org/redfed#", "paidPartnership": "redfed:paidPartnership"}
LINE = '<p class="paid-partnership">Paid partnership</p>'
_LINE = re.compile(r'^<p class="paid-partnership">[^<]*</p>')


def with_line(html: str, paid: bool) -> str:
    """`html` with the disclosure line first when `paid` (never twice), without it otherwise."""
    bare = _LINE.sub("", html, count=1)
    return LINE + bare if paid else bare


def mark(note: dict, paid: bool) -> dict:
    """The Note with the marker and its term when `paid`; unchanged otherwise."""
    if not paid:
        return note
    context = note.get("@context")
    context = list(context) if isinstance(context, list) else [context] if context else []
    return {**note, "@context": [*context, TERMS], "paidPartnership": True}


def is_marked(doc) -> bool:
    return isinstance(doc, dict) and doc.get("paidPartnership") is True
