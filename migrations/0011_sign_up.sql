-- Sign-up: instance settings an admin edits on the web (each NULL column falls back to the
-- config's default), the instance's rules, invite codes, accounts awaiting approval, and one-time
-- password reset links.

CREATE TABLE instance_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),       -- a single row
    name TEXT,
    short_description TEXT,
    about TEXT,                                  -- the long description
    registration_mode TEXT CHECK (registration_mode IN ('open', 'approval', 'invite', 'closed')),
    sign_up_message TEXT,
    updated_at INTEGER NOT NULL
);

-- Mastodon's Rule entity: ids stay stable while the list is reordered.
CREATE TABLE instance_rules (
    id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    hint TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE invites (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    max_uses INTEGER CHECK (max_uses IS NULL OR max_uses > 0),   -- NULL: no limit
    uses INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER,                                          -- NULL: never
    revoked_at INTEGER,
    created_at INTEGER NOT NULL
);

-- A pending account cannot sign in or use a token until an admin approves it (Mastodon's
-- users.approved).
ALTER TABLE users ADD COLUMN pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1));

CREATE TABLE sign_up_requests (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL DEFAULT '',
    invite_id INTEGER REFERENCES invites (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);

-- Only the SHA-256 of a reset token is kept; a token works once, for an hour.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE INDEX password_resets_user ON password_resets (user_id);
