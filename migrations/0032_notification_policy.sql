-- Mastodon 4.3's notification policy: per account, what happens to notifications from people it
-- does not follow, who do not follow it, new accounts, unsolicited private mentions and limited
-- (silenced) accounts: 'accept', 'filter' (kept aside as a request) or 'drop'. No row: the defaults.
CREATE TABLE notification_policies (
    actor_id BIGINT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    for_not_following TEXT NOT NULL DEFAULT 'accept',
    for_not_followers TEXT NOT NULL DEFAULT 'accept',
    for_new_accounts TEXT NOT NULL DEFAULT 'accept',
    for_private_mentions TEXT NOT NULL DEFAULT 'filter',
    for_limited_accounts TEXT NOT NULL DEFAULT 'filter',
    updated_at BIGINT NOT NULL
);

-- A filtered notification is kept but shown only when asked for (include_filtered).
ALTER TABLE notifications ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;

-- One request per stranger whose mentions were filtered, until accepted or dismissed.
CREATE TABLE notification_requests (
    id BIGINT PRIMARY KEY,                       -- time-sortable, pages the list
    recipient_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    from_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    last_post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (recipient_id, from_id)
);

-- Accepted requests: that sender's notifications are never filtered again.
CREATE TABLE notification_permissions (
    recipient_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    from_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (recipient_id, from_id)
);
