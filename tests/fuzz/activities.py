"""Hypothesis strategies for inbound activities: every type the inbox handles, with objects of
every kind redfed stores, each field plausible or odd.

The activity's own `id` and `actor` stay valid (the remote's actor, an id on its origin) so that
the signature and origin checks pass and the body reaches the parsers behind them: that is where
a stranger's odd values can do harm.
"""

import itertools
from dataclasses import dataclass

from hypothesis import strategies as st

from . import values as v

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
TAG = "fuzz"  # every generated post may carry it, so the tag timeline reads them
ACTOR = "http://actor.placeholder"  # where a generated actor document will be served

OBJECT_TYPES = ["Note", "Question", "Article", "Image", "Page", "Video", "Tombstone"]

_serial = itertools.count(1)


@dataclass(frozen=True)
class World:
    """What generated activities may point at."""

    origin: str  # the remote server's base URL
    actor: str  # the remote actor that signs
    local_actor: str  # a local account on the instance under test
    local_post: str  # one of its posts

    def fresh(self, kind: str) -> str:
        # Outside hypothesis's data on purpose: a replayed id would be a no-op (deduplicated),
        # and a shrunk example must reach the parsers again.
        return f"{self.origin}/{kind}/{next(_serial)}"


def _known_urls(world: World) -> st.SearchStrategy[str]:
    return st.sampled_from([world.local_actor, world.local_post, world.actor, f"{world.origin}/notes/1"])


def _links(world: World) -> st.SearchStrategy:
    return v.mix(_known_urls(world), v.urls(world.origin))


def _tags(world: World) -> st.SearchStrategy:
    hashtag = st.builds(lambda name: {"type": "Hashtag", "name": name, "href": f"{world.origin}/tags/x"},
                        st.one_of(st.just(f"#{TAG}"), v.text()))
    mention = st.builds(lambda href, name: {"type": "Mention", "href": href, "name": name}, _links(world), v.text())
    emoji = st.builds(lambda name, url: {"type": "Emoji", "name": name, "icon": {"type": "Image", "url": url}},
                      v.text(), v.urls(world.origin))
    return v.maybe_odd(st.lists(st.one_of(hashtag, mention, emoji), max_size=4))


def _attachments() -> st.SearchStrategy:
    image = st.fixed_dictionaries(
        {"type": st.sampled_from(["Document", "Image", "Video", "Audio", "Link"])},
        optional={"url": v.maybe_odd(st.just("http://127.0.0.1:1/a.png"), v.urls("http://127.0.0.1:1")),
                  "mediaType": v.maybe_odd(st.just("image/png"), v.text()), "name": v.text(),
                  "width": v.maybe_odd(v.integers()), "height": v.maybe_odd(v.integers()),
                  "blurhash": v.text(), "focalPoint": v.anything()},
    )
    return v.maybe_odd(st.lists(image, max_size=3))


def objects(world: World) -> st.SearchStrategy[dict]:
    """A post-like object (Note, Question, Article, Image…) attributed to the remote actor."""
    audience = v.maybe_odd(st.just([PUBLIC]), st.lists(_links(world), max_size=3))
    choices = v.maybe_odd(st.lists(st.fixed_dictionaries(
        {"type": st.just("Note"), "name": v.text()}, optional={"replies": v.anything()}), max_size=4))
    optional = {
        "content": v.maybe_odd(st.just("<p>hello #fuzz</p>"), v.text()),
        "summary": v.maybe_odd(v.text()), "name": v.maybe_odd(v.text()), "sensitive": v.maybe_odd(st.booleans()),
        "published": v.maybe_odd(v.dates()), "updated": v.maybe_odd(v.dates()), "endTime": v.maybe_odd(v.dates()),
        "inReplyTo": v.maybe_odd(_links(world)), "url": v.maybe_odd(_links(world)), "quoteUrl": _links(world),
        "quote": _links(world), "cc": audience, "tag": _tags(world), "attachment": _attachments(),
        "oneOf": choices, "anyOf": choices, "votersCount": v.maybe_odd(v.integers()),
        "contentMap": v.maybe_odd(st.dictionaries(v.text(), v.text(), max_size=2)),
        "mediaType": v.maybe_odd(st.just("text/html"), v.text()), "context": _links(world),
        "replies": v.anything(), "likes": v.anything(), "shares": v.anything(),
    }
    return st.fixed_dictionaries(
        {"id": st.builds(lambda: world.fresh("notes")),
         "type": v.rarely_odd(st.sampled_from(OBJECT_TYPES), st.one_of(v.text(), v.anything())),
         "attributedTo": v.rarely_odd(st.just(world.actor), _links(world)),
         "to": v.rarely_odd(st.just([PUBLIC]), st.lists(_links(world), max_size=3))},
        optional=optional,
    )


def _inner_activity(world: World) -> st.SearchStrategy[dict]:
    """What an Undo, Accept or Reject is about: a Follow, Like, Announce or Block."""
    return st.builds(
        lambda kind, obj, actor: {"id": world.fresh("activities"), "type": kind, "actor": actor, "object": obj},
        v.maybe_odd(st.sampled_from(["Follow", "Like", "Announce", "Block", "Offer"]), v.text()),
        _links(world), v.maybe_odd(st.sampled_from([world.actor, world.local_actor]), _links(world)),
    )


def _payloads(world: World, note: st.SearchStrategy) -> dict[str, st.SearchStrategy]:
    """What each activity type is about, plausible for that type."""
    # Never the actor itself: a Delete of it would end the run's remote (and is fuzzed nowhere else).
    post = st.one_of(st.sampled_from([world.local_post, f"{world.origin}/notes/1"]), note.map(lambda obj: obj["id"]))
    inner = _inner_activity(world)
    return {
        "Delete": post, "Follow": st.just(world.local_actor), "Block": st.just(world.local_actor),
        "Move": st.just(world.actor), "Like": post, "Announce": post, "EmojiReact": post, "Offer": note,
        "Flag": st.lists(st.one_of(post, st.just(world.local_actor)), max_size=3), "Accept": inner, "Reject": inner,
        "Undo": inner, "Add": post, "Remove": post,
    }


def activities(world: World) -> st.SearchStrategy[dict]:
    """A whole inbound activity of any type the inbox handles (its object mostly fitting the type),
    or of a type it does not handle. Half are posts (Create, Update), where most of the parsing is."""
    extra = st.fixed_dictionaries({}, optional={
        "to": v.maybe_odd(st.just([PUBLIC]), st.lists(_links(world), max_size=3)),
        "target": _links(world), "published": v.dates(), "content": v.text(), "summary": v.text(),
        "instrument": v.anything(), "@context": v.maybe_odd(st.just(AS_CONTEXT)),
    })

    def activity(kinds: st.SearchStrategy[str], payload: st.SearchStrategy) -> st.SearchStrategy[dict]:
        return st.builds(
            lambda kind, obj, more: {"id": world.fresh("activities"), "type": kind, "actor": world.actor,
                                     "object": obj, **more},
            kinds, v.rarely_odd(payload, st.one_of(_links(world), v.anything())), extra,
        )

    note = objects(world)
    posts = activity(st.sampled_from(["Create", "Create", "Update"]), note)
    others = v.mix(*(activity(st.just(kind), payload) for kind, payload in _payloads(world, note).items()),
                       activity(v.text().filter(bool), note))
    return v.one_in(2, others, posts)


def actor_documents(world: World, public_pem: str) -> st.SearchStrategy[dict]:
    """A remote actor's own document, at a URL the caller puts in place of ACTOR: its key valid,
    every other field plausible or odd."""
    uri = ACTOR
    key = {"id": uri + "#main-key", "owner": uri, "publicKeyPem": public_pem}
    image = v.maybe_odd(st.fixed_dictionaries({"type": st.just("Image"), "url": v.urls(world.origin)}))
    field = st.fixed_dictionaries({"type": v.rarely_odd(st.just("PropertyValue"), v.text()), "name": v.maybe_odd(v.text()),
                                   "value": v.maybe_odd(v.text())})
    optional = {
        "name": v.maybe_odd(v.text()), "summary": v.maybe_odd(v.text()), "url": v.maybe_odd(_links(world)),
        "icon": image, "image": image, "published": v.maybe_odd(v.dates()), "attachment": v.maybe_odd(st.lists(field, max_size=4)),
        "alsoKnownAs": v.maybe_odd(st.lists(_links(world), max_size=3)), "movedTo": _links(world),
        "manuallyApprovesFollowers": v.maybe_odd(st.booleans()), "discoverable": v.maybe_odd(st.booleans()),
        "outbox": _links(world), "followers": _links(world), "following": _links(world), "featured": _links(world),
        "endpoints": v.maybe_odd(st.fixed_dictionaries({"sharedInbox": _links(world)})), "tag": _tags(world),
        "assertionMethod": v.anything(),
    }
    return st.fixed_dictionaries({
        "@context": st.just([AS_CONTEXT, "https://w3id.org/security/v1"]), "id": v.rarely_odd(st.just(uri), _links(world)),
        "type": v.rarely_odd(st.sampled_from(["Person", "Service", "Application", "Group", "Organization"]), v.text()),
        "preferredUsername": v.maybe_odd(st.just("someone"), v.text()),
        "inbox": v.rarely_odd(st.just(uri + "/inbox"), _links(world)), "publicKey": st.just(key),
    }, optional=optional)
