"""What a payment provider's webhook tells us, once verified (layer 4): pure, no IO.

Both providers' formats are followed as they document them; the supporter's fediverse handle is
what they typed where the creator asked for it (Ko-fi's message or name, a Stripe Checkout
custom field), so it is searched for rather than trusted to be alone in the field.
"""

import re
from dataclasses import dataclass

# user@host[:port], with or without a leading '@' (a Mastodon-style handle).
_HANDLE = re.compile(r"@?([A-Za-z0-9_][A-Za-z0-9_.-]{0,63})@((?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+(?::\d{1,5})?)")


@dataclass(frozen=True)
class Payment:
    event_id: str  # the provider's id for this payment: a replay carries the same one
    handle: str | None  # user@host, when the payer gave one
    tier_name: str | None
    subscription: bool


def handle_in(*texts) -> str | None:
    """The first user@host found in the texts, in order."""
    for text in texts:
        if isinstance(text, str) and (found := _HANDLE.search(text[:2_000])):
            return f"{found.group(1)}@{found.group(2).lower()}"
    return None
