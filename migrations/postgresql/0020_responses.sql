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

-- Notifications of these (see ../0021_responses.sql): the type's CHECK is swapped in place.
ALTER TABLE notifications DROP CONSTRAINT notifications_type_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (
    'mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite', 'poll', 'update',
    'admin.sign_up', 'admin.report', 'move', 'severed_relationships', 'redfed.offer', 'redfed.deal',
    'quote', 'quoted_update', 'pleroma:emoji_reaction'
));
