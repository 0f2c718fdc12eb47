"""OAuth scopes as Mastodon defines them (layer 4, pure): what a granted scope covers."""

READ = frozenset({
    "read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
    "read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
})
WRITE = frozenset({
    "write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
    "write:filters", "write:follows", "write:lists", "write:media", "write:mutes", "write:notifications",
    "write:reports", "write:statuses",
})
# The deprecated `follow` scope stands for these.
FOLLOW = frozenset({"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"})
ADMIN_READ = frozenset({"admin:read:domain_blocks", "admin:read:reports", "admin:read:accounts"})
ADMIN_WRITE = frozenset({"admin:write:domain_blocks", "admin:write:reports", "admin:write:accounts"})
ADMIN = frozenset({"admin:read", "admin:write"}) | ADMIN_READ | ADMIN_WRITE
TOP_LEVEL = frozenset({"read", "write", "follow", "push", "profile"})
ALL = TOP_LEVEL | READ | WRITE | ADMIN
DEFAULT = "read"


def parse(value: str | None) -> frozenset[str]:
    """A space-separated (or, leniently, plus- or comma-separated) scope list; unknown scopes are
    kept out. An empty request means Mastodon's default, `read`."""
    names = (value or "").replace("+", " ").replace(",", " ").split()
    return frozenset(n for n in names if n in ALL) or frozenset({DEFAULT})


def unknown(value: str | None) -> list[str]:
    names = (value or "").replace("+", " ").replace(",", " ").split()
    return [n for n in names if n not in ALL]


def expand(granted: frozenset[str]) -> frozenset[str]:
    covered = set(granted)
    if "read" in granted:
        covered |= READ
    if "write" in granted:
        covered |= WRITE
    if "follow" in granted:
        covered |= FOLLOW
    if "admin:read" in granted:
        covered |= ADMIN_READ
    if "admin:write" in granted:
        covered |= ADMIN_WRITE
    return frozenset(covered)


def allows(granted: frozenset[str], required: str) -> bool:
    """Whether a token with `granted` may call an endpoint that requires `required`.
    `profile` (Mastodon 4.3) only ever reaches verify_credentials, which asks for it explicitly."""
    covered = expand(granted)
    if required == "profile":
        return "profile" in covered or "read:accounts" in covered
    return required in covered


def within(requested: frozenset[str], allowed: frozenset[str]) -> bool:
    """Whether every requested scope is one the app registered for (expanded)."""
    registered = expand(allowed)
    return all(scope in registered or scope in allowed for scope in requested)
