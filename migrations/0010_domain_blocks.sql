-- Instance moderation: an admin's domain blocks (Mastodon's DomainBlock, severities `silence` and
-- `suspend`), the moderation marks they leave on remote accounts, and the record of relationships a
-- suspension severed (Mastodon 4.3's RelationshipSeveranceEvent and AccountRelationshipSeveranceEvent),
-- which the `severed_relationships` notification of each affected local account names.

CREATE TABLE domain_blocks (
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,                 -- normalised: lower case, punycode, optional :port
    severity TEXT NOT NULL CHECK (severity IN ('silence', 'suspend')),
    public_comment TEXT NOT NULL DEFAULT '',     -- shown in /api/v1/instance/domain_blocks
    private_comment TEXT NOT NULL DEFAULT '',    -- for the admins only
    obfuscate INTEGER NOT NULL DEFAULT 0 CHECK (obfuscate IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Set to the block's created_at on the accounts a domain block silences (suspended_at likewise for a
-- suspension), so that lifting the block clears exactly the marks it made, as Mastodon's
-- UnblockDomainService does; a moderator's own suspension of one account carries another time.
ALTER TABLE actors ADD COLUMN silenced_at INTEGER;
CREATE INDEX actors_suspended ON actors (id) WHERE suspended_at IS NOT NULL;
CREATE INDEX actors_silenced ON actors (id) WHERE silenced_at IS NOT NULL;

CREATE TABLE severance_events (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('domain_block', 'user_domain_block', 'account_suspension')),
    target_name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE account_severances (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES severance_events (id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    followers_count INTEGER NOT NULL,            -- remote followers the local account lost
    following_count INTEGER NOT NULL,            -- remote accounts it no longer follows
    UNIQUE (event_id, actor_id)
);

-- A severed_relationships notification names its account severance: its sender is the recipient
-- itself (as on Mastodon), so without this column a second event would collide with the first in
-- notifications_once.
ALTER TABLE notifications ADD COLUMN severance_id INTEGER REFERENCES account_severances (id) ON DELETE CASCADE;
DROP INDEX notifications_once;
CREATE UNIQUE INDEX notifications_once ON notifications (
    recipient_id, type, from_id, coalesce(post_id, 0), coalesce(deal_id, 0), coalesce(severance_id, 0)
);
