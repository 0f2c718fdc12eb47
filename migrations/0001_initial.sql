-- Actors (every ActivityPub actor we know: our users, our instance actor, remote accounts),
-- their keys, and the logins of local users.

CREATE TABLE actors (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL DEFAULT 'Person'
        CHECK (type IN ('Person', 'Service', 'Application', 'Group', 'Organization')),
    username TEXT NOT NULL,
    domain TEXT NOT NULL,
    is_local INTEGER NOT NULL CHECK (is_local IN (0, 1)),
    display_name TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',            -- sanitised HTML, as served
    summary_source TEXT NOT NULL DEFAULT '',     -- what a local user typed
    url TEXT,
    inbox_uri TEXT,
    outbox_uri TEXT,
    followers_uri TEXT,
    following_uri TEXT,
    featured_uri TEXT,
    shared_inbox_uri TEXT,
    icon_url TEXT,
    image_url TEXT,
    fields TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(fields)),
    also_known_as TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(also_known_as)),
    moved_to_uri TEXT,
    manually_approves_followers INTEGER NOT NULL DEFAULT 0
        CHECK (manually_approves_followers IN (0, 1)),
    discoverable INTEGER NOT NULL DEFAULT 1 CHECK (discoverable IN (0, 1)),
    published_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    fetched_at INTEGER,
    suspended_at INTEGER
);

-- Usernames are unique per domain without regard to case, as on Mastodon.
CREATE UNIQUE INDEX actors_handle ON actors (lower(username), domain);

CREATE TABLE actor_keys (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    key_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('rsa', 'ed25519')),
    public_pem TEXT NOT NULL,
    private_pem TEXT,                            -- only for our own actors
    created_at INTEGER NOT NULL
);

CREATE INDEX actor_keys_actor ON actor_keys (actor_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL UNIQUE REFERENCES actors (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    locale TEXT NOT NULL DEFAULT 'en',
    created_at INTEGER NOT NULL,
    last_active_at INTEGER,
    disabled_at INTEGER
);
