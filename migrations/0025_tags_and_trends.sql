-- Hashtags that do something (issue 14): followed tags reach home, tags keep a daily history,
-- accounts feature tags, and tags trend once an admin allows them. Same DDL on both databases.

-- Who follows a tag, asked once for each post that carries it.
CREATE INDEX followed_tags_by_name ON followed_tags (name, actor_id);

-- A tag's use per day (days since 1970-01-01 UTC), kept as posts arrive: `uses` counts posts,
-- `accounts` distinct accounts, `trend_accounts` distinct discoverable accounts posting publicly.
CREATE TABLE tag_days (
    name TEXT NOT NULL,
    day BIGINT NOT NULL,
    uses BIGINT NOT NULL DEFAULT 0,
    accounts BIGINT NOT NULL DEFAULT 0,
    trend_accounts BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (name, day)
);

CREATE INDEX tag_days_by_day ON tag_days (day, name);

-- Which accounts were counted for a tag on a day, so that each counts once ('use' for the
-- history, 'trend' for trends).
CREATE TABLE tag_day_accounts (
    day BIGINT NOT NULL,
    name TEXT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('use', 'trend')),
    PRIMARY KEY (day, name, actor_id, kind)
);

-- The hashtags an account shows on its profile (Mastodon's featured tags).
CREATE TABLE featured_tags (
    id BIGINT PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (actor_id, name)
);

-- An admin's decision on a tag: only approved tags trend publicly.
CREATE TABLE tag_reviews (
    name TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('approved', 'rejected')),
    reviewed_by BIGINT REFERENCES actors (id) ON DELETE SET NULL,
    reviewed_at BIGINT NOT NULL
);
