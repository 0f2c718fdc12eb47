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

-- Custom emoji: the instance's own (domain '', image uploaded by an admin) and those remote posts
-- carry as `Emoji` tags (their author's domain, image where the remote serves it).
CREATE TABLE custom_emojis (
    id INTEGER PRIMARY KEY,
    shortcode TEXT NOT NULL,
    domain TEXT NOT NULL DEFAULT '',
    uri TEXT NOT NULL,
    image_url TEXT NOT NULL,
    media_id INTEGER REFERENCES media (id) ON DELETE CASCADE,
    category TEXT,
    visible_in_picker INTEGER NOT NULL DEFAULT 1 CHECK (visible_in_picker IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (shortcode, domain)
);

-- Which emoji a post shows: set when it is written or received, read in batches for timelines.
CREATE TABLE post_emojis (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    emoji_id INTEGER NOT NULL REFERENCES custom_emojis (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, emoji_id)
);

CREATE INDEX post_emojis_emoji ON post_emojis (emoji_id);

-- Which emoji a remote account's name, bio and fields show (a local account's are found from its
-- text when shown).
CREATE TABLE actor_emojis (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    emoji_id INTEGER NOT NULL REFERENCES custom_emojis (id) ON DELETE CASCADE,
    PRIMARY KEY (actor_id, emoji_id)
);

CREATE INDEX actor_emojis_emoji ON actor_emojis (emoji_id);

-- Announcements by the instance's admins, shown to its accounts from `published_at` until
-- `ends_at` (if any) or until each account dismisses them; accounts react with emoji.
CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    content TEXT NOT NULL,
    starts_at INTEGER,
    ends_at INTEGER,
    all_day INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    published_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE announcement_dismissals (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    PRIMARY KEY (announcement_id, actor_id)
);

CREATE TABLE announcement_reactions (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (announcement_id, actor_id, name)
);

-- Accounts an account features on its profile (Mastodon's endorsements): only accounts it
-- follows, so a row whose follow has ended is not shown.
CREATE TABLE account_endorsements (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (actor_id, target_id)
);

CREATE INDEX account_endorsements_target ON account_endorsements (target_id);
