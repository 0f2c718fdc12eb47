-- The Mastodon client API: OAuth apps and tokens, web sessions, notifications, bookmarks, mutes,
-- lists, filters, markers, media, edit history, idempotency, scheduled posts, poll votes and
-- followed hashtags. Secrets (tokens, codes, sessions) are stored as SHA-256 hashes only.

CREATE TABLE oauth_apps (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    client_secret TEXT NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    redirect_uris TEXT NOT NULL CHECK (json_valid(redirect_uris)),   -- JSON array
    scopes TEXT NOT NULL,                                            -- space separated
    created_at INTEGER NOT NULL
);

CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY,
    app_id INTEGER NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT,
    code_challenge_method TEXT CHECK (code_challenge_method IN ('S256', 'plain')),
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE oauth_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    refresh_hash TEXT UNIQUE,
    app_id INTEGER REFERENCES oauth_apps (id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,        -- NULL: client_credentials
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

CREATE INDEX oauth_tokens_user ON oauth_tokens (user_id);

-- Signed-in browser sessions (the OAuth consent page now, the web pages later).
CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    user_agent TEXT,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE INDEX web_sessions_user ON web_sessions (user_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,                      -- time-sortable
    recipient_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN (
        'mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite', 'poll', 'update',
        'admin.sign_up', 'admin.report'
    )),
    from_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    post_id INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    group_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
-- One notification per event: a replayed Like or Follow does not notify twice.
CREATE UNIQUE INDEX notifications_once ON notifications (recipient_id, type, from_id, coalesce(post_id, 0));

CREATE TABLE bookmarks (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    UNIQUE (actor_id, post_id)
);

CREATE TABLE mutes (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    hide_notifications INTEGER NOT NULL DEFAULT 1 CHECK (hide_notifications IN (0, 1)),
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (actor_id, target_id)
);

-- Muted threads, by the conversation's root post.
CREATE TABLE conversation_mutes (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    root_post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    PRIMARY KEY (actor_id, root_post_id)
);

CREATE TABLE lists (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    replies_policy TEXT NOT NULL DEFAULT 'list' CHECK (replies_policy IN ('followed', 'list', 'none')),
    exclusive INTEGER NOT NULL DEFAULT 0 CHECK (exclusive IN (0, 1)),
    created_at INTEGER NOT NULL
);

CREATE INDEX lists_owner ON lists (owner_id);

CREATE TABLE list_members (
    list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    PRIMARY KEY (list_id, actor_id)
);

CREATE TABLE filters (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    context TEXT NOT NULL CHECK (json_valid(context)),                 -- JSON array of contexts
    filter_action TEXT NOT NULL DEFAULT 'warn' CHECK (filter_action IN ('warn', 'hide', 'blur')),
    expires_at INTEGER,
    created_at INTEGER NOT NULL
);

CREATE INDEX filters_owner ON filters (owner_id);

CREATE TABLE filter_keywords (
    id INTEGER PRIMARY KEY,
    filter_id INTEGER NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    keyword TEXT NOT NULL,
    whole_word INTEGER NOT NULL DEFAULT 1 CHECK (whole_word IN (0, 1))
);

CREATE TABLE filter_statuses (
    id INTEGER PRIMARY KEY,
    filter_id INTEGER NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    UNIQUE (filter_id, post_id)
);

CREATE TABLE markers (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    timeline TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),
    last_read_id TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (actor_id, timeline)
);

-- Uploaded files of local accounts. Files are stored under server-generated keys only.
CREATE TABLE media (
    id INTEGER PRIMARY KEY,                      -- time-sortable
    owner_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL,
    position INTEGER NOT NULL DEFAULT 0,
    type TEXT NOT NULL CHECK (type IN ('image', 'gifv', 'video', 'audio', 'unknown')),
    state TEXT NOT NULL DEFAULT 'processing' CHECK (state IN ('processing', 'ready', 'failed')),
    file_key TEXT NOT NULL,
    preview_key TEXT,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta)),
    description TEXT,
    focus_x REAL,
    focus_y REAL,
    blurhash TEXT,
    error TEXT,
    created_at INTEGER NOT NULL
);

CREATE INDEX media_owner ON media (owner_id, id);
CREATE INDEX media_post ON media (post_id, position);

-- Earlier versions of edited posts (Mastodon's status history).
CREATE TABLE post_edits (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    summary TEXT NOT NULL,
    sensitive INTEGER NOT NULL CHECK (sensitive IN (0, 1)),
    attachments TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(attachments)),
    poll TEXT CHECK (poll IS NULL OR json_valid(poll)),
    created_at INTEGER NOT NULL
);

CREATE INDEX post_edits_post ON post_edits (post_id, id);

CREATE TABLE idempotency_keys (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    post_id INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (actor_id, key)
);

CREATE TABLE scheduled_posts (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    params TEXT NOT NULL CHECK (json_valid(params)),
    scheduled_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX scheduled_posts_due ON scheduled_posts (scheduled_at);

CREATE TABLE poll_votes (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    choice INTEGER NOT NULL,
    uri TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, actor_id, choice)
);

CREATE TABLE followed_tags (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (actor_id, name)
);

-- Which app wrote a local post (the `application` of a Mastodon status).
ALTER TABLE posts ADD COLUMN app_id INTEGER REFERENCES oauth_apps (id) ON DELETE SET NULL;

-- Posting defaults and preferences (Mastodon's `source` and /api/v1/preferences).
ALTER TABLE users ADD COLUMN default_visibility TEXT NOT NULL DEFAULT 'public'
    CHECK (default_visibility IN ('public', 'unlisted', 'private', 'direct'));
ALTER TABLE users ADD COLUMN default_sensitive INTEGER NOT NULL DEFAULT 0 CHECK (default_sensitive IN (0, 1));
ALTER TABLE users ADD COLUMN default_language TEXT;
