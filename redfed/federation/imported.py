"""Marking a Note as brought over from elsewhere (layer 3): FEP-0c7f's `importedFrom`, a Link
whose `href` is the post's id where it was first published - on the old server of an account that
moved here, or in the archive it was imported from. FEP-1580 lets a server that migrates objects
"add additional properties to indicate an object has been migrated"; FEP-0c7f offers this one for
it. It lets anyone holding the old id (a reply, a boost) find the new copy, and tells receivers
that the post is old, not new activity."""

from ..protocol.http_urls import http_url

# The term inline, as the FEP defines it, rather than the FEP's context URL: a JSON-LD processor
# (Fedify's among them) would fetch that URL, and one it cannot load fails the whole document.
FEP_0C7F_TERM = {"importedFrom": {"@id": "https://w3id.org/fep/0c7f#importedFrom", "@type": "@id"}}


def mark(note: dict, origin_uri: str | None) -> dict:
    """`note` with `importedFrom` naming `origin_uri` (unchanged when there is none)."""
    if not origin_uri:
        return note
    context = note.get("@context")
    contexts = list(context) if isinstance(context, list) else [context] if context else []
    if FEP_0C7F_TERM not in contexts:
        contexts.append(FEP_0C7F_TERM)
    return {**note, "@context": contexts, "importedFrom": {"type": "Link", "href": origin_uri}}


def imported_from(note: dict) -> str | None:
    """The original id a Note says it was imported from, if it says so plainly."""
    link = note.get("importedFrom")
    href = link.get("href") if isinstance(link, dict) else link
    return http_url(href)
