-- How people respond to a post (issue 24): quotes, emoji reactions, and boards of saved posts.

-- A quote: the quoting post (local or remote) and what it quotes (FEP-044f). The quoted post is
-- kept by URI too, since it may not be stored (yet, or any more). `state` follows Mastodon's
-- Quote entity: 'pending' until the quoted author's server consents, then 'accepted', or
-- 'rejected', or 'revoked' when the quoted author takes the consent back. `authorization_uri`
-- is the QuoteAuthorization stamp (ours when the quoted post is ours); `request_uri` the
-- QuoteRequest that asked for it.
CREATE TABLE quotes (
    post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    quoted_uri TEXT NOT NULL,
    quoted_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected', 'revoked')),
    legacy BIGINT NOT NULL DEFAULT 0,  -- 1: Misskey-style quoteUrl, which knows no consent
    authorization_uri TEXT UNIQUE,
    request_uri TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX quotes_quoted ON quotes (quoted_id, state);
CREATE INDEX quotes_quoted_uri ON quotes (quoted_uri);

-- Who may quote a local post: 'public', 'followers' or 'nobody' (Mastodon's
-- quote_approval_policy). A post without a row takes its author's default, and without one 'public'.
CREATE TABLE quote_policies (
    post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    policy TEXT NOT NULL CHECK (policy IN ('public', 'followers', 'nobody'))
);

CREATE TABLE quote_policy_defaults (
    actor_id BIGINT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    policy TEXT NOT NULL CHECK (policy IN ('public', 'followers', 'nobody'))
);

-- Emoji reactions (Misskey's, Pleroma's EmojiReact, a Like with `content`): one row per person,
-- post and emoji. `emoji` is the Unicode emoji or a custom emoji's shortcode between colons;
-- `emoji_url` the custom emoji's image, from the activity's Emoji tag. `uri` the activity's id.
CREATE TABLE reactions (
    id BIGINT PRIMARY KEY,               -- time-sortable
    uri TEXT NOT NULL UNIQUE,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    emoji TEXT NOT NULL,
    emoji_url TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (post_id, actor_id, emoji)
);

CREATE INDEX reactions_post ON reactions (post_id, emoji);
CREATE INDEX reactions_actor ON reactions (actor_id, created_at);

-- Boards (RedNote's 收藏专辑, Pixelfed's collections): a person's named, ordered sets of saved
-- posts, public or private. Bookmarks stay the private default board and are not copied here.
-- `cover_post_id` names the post whose first image covers the board (none: the newest post's).
CREATE TABLE boards (
    id BIGINT PRIMARY KEY,               -- time-sortable
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_public BIGINT NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    cover_post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    position BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX boards_actor ON boards (actor_id, position);

CREATE TABLE board_posts (
    board_id BIGINT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,            -- 1, 2, 3… in the order saved; boards list the last saved first
    added_at BIGINT NOT NULL,            -- ms
    PRIMARY KEY (board_id, post_id)
);

CREATE INDEX board_posts_post ON board_posts (post_id);

-- Notifications of these: a post of one's was quoted (`quote`, as Mastodon 4.5), a post one
-- quoted was edited (`quoted_update`), someone reacted with an emoji (`pleroma:emoji_reaction`,
-- the name Pleroma and Akkoma apps know). SQLite cannot change a CHECK in place: the table is
-- rebuilt with its indexes and trigger (PostgreSQL swaps the constraint: postgresql/0021).
CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY,                      -- time-sortable
    recipient_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN (
        'mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite', 'poll', 'update',
        'admin.sign_up', 'admin.report', 'move', 'severed_relationships', 'redfed.offer', 'redfed.deal',
        'quote', 'quoted_update', 'pleroma:emoji_reaction'
    )),
    from_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    post_id INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    deal_id INTEGER REFERENCES deals (id) ON DELETE CASCADE,
    group_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    severance_id INTEGER REFERENCES account_severances (id) ON DELETE CASCADE
);

INSERT INTO notifications_new (id, recipient_id, type, from_id, post_id, deal_id, group_key, created_at, severance_id)
SELECT id, recipient_id, type, from_id, post_id, deal_id, group_key, created_at, severance_id FROM notifications;

DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;

CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE UNIQUE INDEX notifications_once ON notifications (
    recipient_id, type, from_id, coalesce(post_id, 0), coalesce(deal_id, 0), coalesce(severance_id, 0)
);

CREATE TRIGGER notifications_stream_insert AFTER INSERT ON notifications
BEGIN
    INSERT INTO stream_events (kind, post_id, actor_id, notification_id, created_at)
    VALUES ('notification', NEW.post_id, NEW.recipient_id, NEW.id,
            CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
