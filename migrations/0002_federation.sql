-- The federation core: posts and what people do with them, follows and blocks, and the two
-- durable queues (inbound activities, outbound deliveries).

-- Posts, local and remote. A boost is a post row that points at the boosted post, as on Mastodon,
-- so that timelines are one ordered scan. Ids are time-sortable (clock.new_id).
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    url TEXT,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    is_local INTEGER NOT NULL CHECK (is_local IN (0, 1)),
    type TEXT NOT NULL DEFAULT 'Note',
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private', 'direct')),
    content TEXT NOT NULL DEFAULT '',            -- sanitised HTML
    source TEXT,                                 -- what a local author typed
    summary TEXT NOT NULL DEFAULT '',            -- content warning
    sensitive INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
    language TEXT,
    in_reply_to_uri TEXT,
    in_reply_to_id INTEGER REFERENCES posts (id) ON DELETE SET NULL,
    reblog_of_id INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    conversation TEXT,
    audience TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(audience)),      -- to + cc as addressed
    attachments TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(attachments)),
    poll TEXT CHECK (poll IS NULL OR json_valid(poll)),
    published_at INTEGER NOT NULL,
    edited_at INTEGER,
    created_at INTEGER NOT NULL
);

CREATE INDEX posts_actor ON posts (actor_id, id);
CREATE INDEX posts_in_reply_to ON posts (in_reply_to_id);
CREATE INDEX posts_in_reply_to_uri ON posts (in_reply_to_uri);
CREATE INDEX posts_reblog_of ON posts (reblog_of_id);
-- One boost of a post per actor.
CREATE UNIQUE INDEX posts_one_reblog ON posts (actor_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;

CREATE TABLE post_mentions (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, actor_id)
);

CREATE INDEX post_mentions_actor ON post_mentions (actor_id, post_id);

CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,                          -- lower case, without '#'
    PRIMARY KEY (post_id, name)
);

CREATE INDEX post_tags_name ON post_tags (name, post_id);

-- Deleted posts answer 410 with a Tombstone, and a late-arriving copy is not stored again.
CREATE TABLE tombstones (
    uri TEXT PRIMARY KEY,
    actor_uri TEXT NOT NULL,
    deleted_at INTEGER NOT NULL
);

CREATE TABLE likes (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    UNIQUE (actor_id, post_id)
);

CREATE INDEX likes_post ON likes (post_id);

CREATE TABLE follows (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,                    -- the Follow activity's id
    follower_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    followee_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    show_reblogs INTEGER NOT NULL DEFAULT 1 CHECK (show_reblogs IN (0, 1)),
    notify INTEGER NOT NULL DEFAULT 0 CHECK (notify IN (0, 1)),
    created_at INTEGER NOT NULL,
    accepted_at INTEGER,
    UNIQUE (follower_id, followee_id),
    CHECK (follower_id != followee_id)
);

CREATE INDEX follows_followee ON follows (followee_id, state);

CREATE TABLE blocks (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    UNIQUE (actor_id, target_id)
);

CREATE INDEX blocks_target ON blocks (target_id);

-- Pinned posts: the actor's `featured` collection.
CREATE TABLE featured_posts (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (actor_id, post_id)
);

-- Verified inbound activities, stored before the inbox answers 202 and applied by the inbox
-- worker. UNIQUE(activity_id) makes a replay a no-op.
CREATE TABLE inbox_items (
    id INTEGER PRIMARY KEY,
    activity_id TEXT NOT NULL UNIQUE,
    activity_type TEXT NOT NULL,
    actor_uri TEXT NOT NULL,
    recipient_id INTEGER REFERENCES actors (id) ON DELETE SET NULL,   -- NULL: the shared inbox
    raw TEXT NOT NULL CHECK (json_valid(raw)),
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'ignored', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until INTEGER,
    last_error TEXT,
    received_at INTEGER NOT NULL,
    finished_at INTEGER
);

CREATE INDEX inbox_items_due ON inbox_items (state, next_attempt_at);

-- Activities we published, stored once; each delivery row points here (Fedify's fan-out reason:
-- the payload is not copied per inbox). Public ones make up the actor's outbox.
CREATE TABLE outbox_activities (
    id INTEGER PRIMARY KEY,
    activity_id TEXT NOT NULL UNIQUE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    activity_type TEXT NOT NULL,
    object_uri TEXT,
    is_public INTEGER NOT NULL CHECK (is_public IN (0, 1)),
    raw TEXT NOT NULL CHECK (json_valid(raw)),
    created_at INTEGER NOT NULL
);

CREATE INDEX outbox_activities_actor ON outbox_activities (actor_id, is_public, id);
CREATE INDEX outbox_activities_object ON outbox_activities (object_uri);

-- One row per activity and target inbox, with its own retry state.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    outbox_activity_id INTEGER NOT NULL REFERENCES outbox_activities (id) ON DELETE CASCADE,
    inbox_uri TEXT NOT NULL,
    host TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'gone', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until INTEGER,
    last_status INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER,
    UNIQUE (outbox_activity_id, inbox_uri)
);

CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);

-- What we learn about each remote host: failures on distinct days (Mastodon marks a host
-- unavailable after failures on 7 distinct days) and which signature style it accepts.
CREATE TABLE remote_hosts (
    host TEXT PRIMARY KEY,
    failure_days TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(failure_days)),
    unavailable_since INTEGER,
    signature_style TEXT CHECK (signature_style IN ('cavage', 'rfc9421')),
    last_success_at INTEGER
);
