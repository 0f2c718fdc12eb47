"""Rows as frozen dataclasses (layer 0). Storage returns these; nothing above SQL sees a cursor row.

Instants are integers (milliseconds since the epoch, UTC) until a serialisation edge formats them.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProfileField:
    name: str
    value: str  # HTML


@dataclass(frozen=True)
class Actor:
    id: int
    uri: str
    type: str
    username: str
    domain: str
    is_local: bool
    display_name: str
    summary: str
    summary_source: str
    url: str | None
    inbox_uri: str | None
    outbox_uri: str | None
    followers_uri: str | None
    following_uri: str | None
    featured_uri: str | None
    shared_inbox_uri: str | None
    icon_url: str | None
    image_url: str | None
    fields: tuple[ProfileField, ...]
    also_known_as: tuple[str, ...]
    moved_to_uri: str | None
    manually_approves_followers: bool
    discoverable: bool
    published_at: int
    updated_at: int
    fetched_at: int | None = None
    suspended_at: int | None = None
    silenced_at: int | None = None  # limited by a domain block (Mastodon's "silence")

    @property
    def handle(self) -> str:
        """user@domain, the form used in acct: URIs and mentions."""
        return f"{self.username}@{self.domain}"

    @property
    def is_bot(self) -> bool:
        return self.type in ("Service", "Application")


@dataclass(frozen=True)
class ActorKey:
    id: int
    actor_id: int
    key_id: str
    kind: str  # "rsa" or "ed25519"
    public_pem: str
    private_pem: str | None = field(default=None, repr=False)
    created_at: int = 0


@dataclass(frozen=True)
class User:
    id: int
    actor_id: int
    username: str
    email: str
    password_hash: str = field(repr=False)
    is_admin: bool
    locale: str
    created_at: int
    last_active_at: int | None
    disabled_at: int | None
    pending: bool = False  # signed up in approval mode, not approved yet

    @property
    def is_disabled(self) -> bool:
        """Cannot sign in or use a token: disabled by an admin, or still awaiting approval."""
        return self.disabled_at is not None or self.pending


VISIBILITIES = ("public", "unlisted", "private", "direct")


@dataclass(frozen=True)
class Post:
    id: int
    uri: str
    url: str | None
    actor_id: int
    is_local: bool
    type: str
    visibility: str  # public, unlisted, private (followers only) or direct, as Mastodon names them
    content: str
    source: str | None
    summary: str
    sensitive: bool
    language: str | None
    in_reply_to_uri: str | None
    in_reply_to_id: int | None
    reblog_of_id: int | None
    conversation: str | None
    audience: tuple[str, ...]  # every to/cc entry as addressed
    attachments: tuple[dict, ...]
    poll: dict | None
    published_at: int
    edited_at: int | None
    created_at: int
    paid_partnership: bool = False  # disclosed as a paid partnership (federation/disclosures.py)


@dataclass(frozen=True)
class Follow:
    id: int
    uri: str
    follower_id: int
    followee_id: int
    state: str  # pending or accepted
    show_reblogs: bool
    notify: bool
    created_at: int
    accepted_at: int | None


@dataclass(frozen=True)
class InboxItem:
    id: int
    activity_id: str
    activity_type: str
    actor_uri: str
    recipient_id: int | None
    raw: str
    state: str
    attempts: int


@dataclass(frozen=True)
class Delivery:
    id: int
    outbox_activity_id: int
    inbox_uri: str
    host: str
    attempts: int
    actor_id: int
    activity_raw: str


@dataclass(frozen=True)
class Media:
    id: int
    owner_id: int
    post_id: int | None
    position: int
    type: str  # image, gifv, video, audio, unknown
    state: str  # processing, ready, failed
    file_key: str
    preview_key: str | None
    content_type: str
    size: int
    meta: dict
    description: str | None
    focus_x: float | None
    focus_y: float | None
    blurhash: str | None
    error: str | None
    created_at: int


@dataclass(frozen=True)
class Listing:
    post_id: int  # the carrying post's id, which is also the listing's id in the API
    proposal_uri: str
    actor_id: int  # the seller
    title: str
    price_kind: str  # fixed, free or on_request
    price_amount: str | None  # decimal string, e.g. "12.50"
    price_currency: str | None  # ISO 4217
    quantity: int | None
    availability: str  # in_stock, sold_out, made_to_order
    condition: str | None  # new, used, refurbished
    category: str | None
    regions: tuple[str, ...]
    checkout_url: str | None
    status: str  # open, paused, sold, closed
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class Deal:
    id: int
    listing_id: int  # the listing's carrying post
    seller_id: int
    buyer_id: int
    quantity: int
    state: str  # offered, accepted, rejected, paid
    offer_uri: str
    agreement_uri: str | None  # the finalized Agreement, once accepted
    payment_url: str | None
    reason: str | None
    created_at: int
    updated_at: int
    message: str | None = None  # the buyer's words with the offer


@dataclass(frozen=True)
class Review:
    listing_id: int
    actor_id: int
    post_id: int
    rating: int
    created_at: int


@dataclass(frozen=True)
class DomainBlock:
    """An admin's block of a remote domain and its subdomains (Mastodon's DomainBlock)."""

    id: int
    domain: str
    severity: str  # "silence" or "suspend"
    public_comment: str
    private_comment: str
    obfuscate: bool
    created_at: int
    updated_at: int
