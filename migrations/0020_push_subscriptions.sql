-- Web Push (Mastodon's /api/v1/push/subscription): one subscription per access token, and a queue
-- of notifications to push, leased and retried like deliveries so that a crash loses none.

CREATE TABLE push_subscriptions (
    id INTEGER PRIMARY KEY,
    token_id INTEGER NOT NULL UNIQUE REFERENCES oauth_tokens (id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL,
    p256dh TEXT NOT NULL,         -- the subscriber's P-256 public key, base64url as the app sent it
    auth TEXT NOT NULL,           -- the subscriber's 16-byte auth secret, base64url
    -- Mastodon puts the token in every payload so an app knows which account it is for; only
    -- tokens with the push scope ever land here.
    access_token TEXT NOT NULL,
    alerts TEXT NOT NULL,         -- JSON object: notification type -> bool
    policy TEXT NOT NULL CHECK (policy IN ('all', 'followed', 'follower', 'none')),
    standard INTEGER NOT NULL DEFAULT 0 CHECK (standard IN (0, 1)),  -- 1: RFC 8291 aes128gcm
    created_at INTEGER NOT NULL
);

CREATE INDEX push_subscriptions_actor ON push_subscriptions (actor_id);

CREATE TABLE push_deliveries (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    payload TEXT NOT NULL,        -- the JSON to encrypt; encrypted at send time, a new salt per try
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'gone', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until INTEGER,
    last_status INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);

CREATE INDEX push_deliveries_due ON push_deliveries (state, next_attempt_at);
