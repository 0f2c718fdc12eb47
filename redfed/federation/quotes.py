"""Quote posts in AS2 (layer 3, pure): reading a quote link from a Note, and the FEP-044f
documents of consent (QuoteRequest, its Accept or Reject, QuoteAuthorization, and its Delete).

A quote is read from, in order: FEP-044f `quote`, Fedify's and Akkoma's `quoteUri`, Misskey's
`_misskey_quote`, `quoteUrl`, and an FEP-e232 object Link tag. Only FEP-044f `quote` carries a
`quoteAuthorization`; the others come from servers that know no consent ("legacy" quotes).
"""

from dataclasses import dataclass

from ..protocol import as2
from ..protocol.http_urls import http_url

FEP_044F = "https://w3id.org/fep/044f#"
QUOTE_CONTEXT = {
    "quote": {"@id": FEP_044F + "quote", "@type": "@id"},
    "quoteAuthorization": {"@id": FEP_044F + "quoteAuthorization", "@type": "@id"},
    "QuoteAuthorization": FEP_044F + "QuoteAuthorization",
    "QuoteRequest": FEP_044F + "QuoteRequest",
    "_misskey_quote": "https://misskey-hub.net/ns#_misskey_quote",
    "quoteUri": "http://fedibird.com/ns#quoteUri",
    "interactionPolicy": {"@id": "https://gotosocial.org/ns#interactionPolicy", "@type": "@id"},
    "canQuote": {"@id": "https://gotosocial.org/ns#canQuote", "@type": "@id"},
    "automaticApproval": {"@id": "https://gotosocial.org/ns#automaticApproval", "@type": "@id"},
    "manualApproval": {"@id": "https://gotosocial.org/ns#manualApproval", "@type": "@id"},
    "interactingObject": {"@id": "https://gotosocial.org/ns#interactingObject", "@type": "@id"},
    "interactionTarget": {"@id": "https://gotosocial.org/ns#interactionTarget", "@type": "@id"},
}
_LEGACY_NAMES = ("quoteUri", "_misskey_quote", "quoteUrl")
_AS2_MEDIA_TYPES = frozenset({as2.AP_CONTENT_TYPE, as2.LD_CONTENT_TYPE, "application/ld+json"})
MAX_LINK_TAGS = 100


@dataclass(frozen=True)
class QuoteLink:
    """What a Note says it quotes."""
    quoted_uri: str
    authorization_uri: str | None
    legacy: bool


def quote_link(note: dict) -> QuoteLink | None:
    """The post `note` quotes, if any (a link that is not an http(s) URL is no quote)."""
    quoted = http_url(as2.get_id(note.get("quote")))
    if quoted is not None:
        return QuoteLink(quoted, http_url(as2.get_id(note.get("quoteAuthorization"))), legacy=False)
    for name in _LEGACY_NAMES:
        quoted = http_url(as2.get_id(note.get(name)))
        if quoted is not None:
            return QuoteLink(quoted, None, legacy=True)
    quoted = _object_link(note.get("tag"))
    return QuoteLink(quoted, None, legacy=True) if quoted else None


def _object_link(tags) -> str | None:
    """FEP-e232: a Link tag whose mediaType is an ActivityStreams type names a linked object."""
    for tag in as2.as_list(tags)[:MAX_LINK_TAGS]:
        if isinstance(tag, dict) and tag.get("type") == "Link" and tag.get("mediaType") in _AS2_MEDIA_TYPES:
            href = http_url(tag.get("href"))
            if href is not None:
                return href
    return None


def with_quote(note: dict, quoted_uri: str, authorization_uri: str | None) -> dict:
    """A local Note that quotes `quoted_uri`, in every spelling other servers read."""
    quoted = dict(note, quote=quoted_uri, quoteUri=quoted_uri, _misskey_quote=quoted_uri)
    if authorization_uri:
        quoted["quoteAuthorization"] = authorization_uri
    quoted["tag"] = list(note.get("tag", [])) + [
        {"type": "Link", "mediaType": as2.LD_CONTENT_TYPE, "href": quoted_uri, "name": f"RE: {quoted_uri}"}
    ]
    return with_context(quoted)


def with_policy(note: dict, policy: str, author_uri: str, followers_uri: str | None) -> dict:
    """FEP-044f `interactionPolicy.canQuote`: who is approved at once; nobody is approved by hand."""
    approved = {"public": [as2.PUBLIC], "followers": [followers_uri] if followers_uri else []}.get(policy, [])
    can_quote = {"automaticApproval": approved + [author_uri], "manualApproval": []}
    return with_context(dict(note, interactionPolicy={"canQuote": can_quote}))


def with_context(doc: dict) -> dict:
    context = as2.as_list(doc.get("@context") or as2.AS_CONTEXT)
    return dict(doc, **{"@context": context if QUOTE_CONTEXT in context else context + [QUOTE_CONTEXT]})


def quote_request(activity_id: str, actor_uri: str, quoted_uri: str, note: dict) -> dict:
    doc = as2.activity("QuoteRequest", activity_id, actor_uri, quoted_uri)
    doc["instrument"] = {k: v for k, v in note.items() if k != "@context"}
    return with_context(doc)


def authorization(uri: str, author_uri: str, quoting_uri: str, quoted_uri: str) -> dict:
    """The stamp the quoted author's server serves, and the quote then names."""
    return with_context({
        "id": uri, "type": "QuoteAuthorization", "attributedTo": author_uri,
        "interactingObject": quoting_uri, "interactionTarget": quoted_uri,
    })


def accept(activity_id: str, author_uri: str, request: dict, authorization_uri: str) -> dict:
    doc = as2.activity("Accept", activity_id, author_uri, request, to=[request["actor"]])
    doc["result"] = authorization_uri
    return with_context(doc)


def reject(activity_id: str, author_uri: str, request: dict) -> dict:
    return with_context(as2.activity("Reject", activity_id, author_uri, request, to=[request["actor"]]))


def revoke(activity_id: str, author_uri: str, authorization_uri: str, to: list[str]) -> dict:
    """Consent taken back: a Delete of the QuoteAuthorization."""
    stamp = {"id": authorization_uri, "type": "QuoteAuthorization"}
    return with_context(as2.activity("Delete", activity_id, author_uri, stamp, to=to))


def confirms(stamp: dict, author_uri: str, quoting_uri: str, quoted_uri: str) -> bool:
    """Whether a fetched QuoteAuthorization is the quoted author's consent to this very quote."""
    return (
        stamp.get("type") == "QuoteAuthorization"
        and as2.get_id(stamp.get("attributedTo")) == author_uri
        and as2.get_id(stamp.get("interactingObject")) == quoting_uri
        and as2.get_id(stamp.get("interactionTarget")) == quoted_uri
    )
