"""Groups in AS2 (layer 3, pure), as FEP-1b12 and Lemmy shape them.

A group is an actor of type Group whose followers are its members. It names its moderators by a
collection in `attributedTo` and says with `postingRestrictedToMods` whether members may post
(Lemmy's terms). It shares a member's post by Announcing the activity that published it, wrapped
whole, to its followers; Mastodon shows that as the group boosting the post. A moderator's removal
is the group's Delete of the post, announced the same way (Lemmy's remove), together with an Undo
of the group's Announce, the only part a microblogging server understands.
"""

from ..models import Actor
from ..protocol import as2

LEMMY_TERMS = {"lemmy": "https://join-lemmy.org/ns#", "postingRestrictedToMods": "lemmy:postingRestrictedToMods"}
# Activities a group may wrap in its Announce, as FEP-1b12 lists them.
ANNOUNCED_TYPES = frozenset({"Create", "Update", "Delete", "Remove", "Like", "Dislike", "Undo"})


def moderators_uri(group_uri: str) -> str:
    return f"{group_uri}/moderators"


def group_properties(doc: dict, group: Actor) -> dict:
    """The actor document `doc` of a local group, with what a group adds."""
    return {
        **doc,
        "@context": [*as2.as_list(doc["@context"]), LEMMY_TERMS],
        "attributedTo": moderators_uri(group.uri),
        "postingRestrictedToMods": False,
    }


def moderators_collection(group: Actor, moderator_uris: list[str]) -> dict:
    return as2.ordered_collection(moderators_uri(group.uri), moderator_uris)


def announce(group: Actor, announce_id: str, activity: dict, published: str) -> dict:
    """The group's Announce of `activity`, to everyone and its members. The activity goes in
    whole, its @context with it: the author's integrity proof or LD signature stays checkable."""
    doc = as2.activity(
        "Announce", announce_id, group.uri, activity, to=[as2.PUBLIC], cc=[group.followers_uri], published=published
    )
    doc["audience"] = group.uri
    return doc


def removal(group: Actor, delete_id: str, post_uri: str) -> dict:
    """The group's Delete of a member's post, as Lemmy's moderators remove one."""
    doc = as2.activity("Delete", delete_id, group.uri, post_uri, to=[as2.PUBLIC], cc=[group.followers_uri])
    doc["audience"] = group.uri
    return doc


def undo_announce(group: Actor, announce_id: str, post_uri: str) -> dict:
    announced = as2.activity("Announce", announce_id, group.uri, post_uri)
    return as2.activity("Undo", f"{announce_id}/undo", group.uri, announced, to=[as2.PUBLIC], cc=[group.followers_uri])


def announced_activity(activity: dict) -> dict | None:
    """What an Announce wraps when it wraps an activity (as groups do) rather than naming a post."""
    inner = activity.get("object")
    if isinstance(inner, dict) and inner.get("type") in ANNOUNCED_TYPES:
        return inner
    return None

