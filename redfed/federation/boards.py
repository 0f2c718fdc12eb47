"""Boards in AS2 (layer 3, pure): a public board is an OrderedCollection on its owner's actor,
named and described, attributed to the owner, its items the saved posts' ids (Pixelfed serves
its collections much the same way)."""

from ..models import Actor
from ..protocol import as2


def board_uri(owner: Actor, board_id: int) -> str:
    return f"{owner.uri}/boards/{board_id}"


def boards_uri(owner: Actor) -> str:
    return f"{owner.uri}/boards"


def board_to_ap(owner: Actor, board_id: int, name: str, description: str, page_url: str, post_uris: list[str]) -> dict:
    doc = as2.ordered_collection(board_uri(owner, board_id), post_uris, len(post_uris))
    doc.update({"name": name, "summary": description or None, "attributedTo": owner.uri, "url": page_url})
    return {key: value for key, value in doc.items() if value is not None}


def boards_to_ap(owner: Actor, board_ids: list[int]) -> dict:
    """The owner's public boards, as a collection of collections."""
    return as2.ordered_collection(boards_uri(owner), [board_uri(owner, b) for b in board_ids], len(board_ids))
