-- Full-text search over posts, and the event log the streaming API tails. Triggers keep both in
-- step with `posts` and `notifications`, so no service has to remember them: a post written by the
-- web app, by `redfed worker` in another process or by the CLI is indexed and streamed alike.
--
-- redfed_text(html) is a SQL function that redfed/db/connection.py registers on every connection
-- it opens, the migration runner's included (store/search.py `indexed_text`): the visible text of
-- sanitised HTML with each CJK character set apart, so that unicode61 makes it a token of its own
-- and a Chinese word is found as a phrase of its characters. A connection without the function
-- (the sqlite3 shell) reads everything but cannot write posts.

-- A table of its own (not contentless): deleting a row needs no recomputation of its text, so an
-- upgrade that changes redfed_text cannot leave tokens behind that no delete removes.
CREATE VIRTUAL TABLE post_search USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER posts_search_insert AFTER INSERT ON posts WHEN NEW.reblog_of_id IS NULL
BEGIN
    INSERT INTO post_search (rowid, body)
    VALUES (NEW.id, redfed_text(NEW.summary) || char(10) || redfed_text(NEW.content));
END;

CREATE TRIGGER posts_search_update AFTER UPDATE OF content, summary ON posts
WHEN NEW.reblog_of_id IS NULL AND (NEW.content IS NOT OLD.content OR NEW.summary IS NOT OLD.summary)
BEGIN
    DELETE FROM post_search WHERE rowid = OLD.id;
    INSERT INTO post_search (rowid, body)
    VALUES (NEW.id, redfed_text(NEW.summary) || char(10) || redfed_text(NEW.content));
END;

-- Also fires for posts removed by a cascade (an actor deleted).
CREATE TRIGGER posts_search_delete AFTER DELETE ON posts
BEGIN
    DELETE FROM post_search WHERE rowid = OLD.id;
END;

INSERT INTO post_search (rowid, body)
SELECT id, redfed_text(summary) || char(10) || redfed_text(content) FROM posts WHERE reblog_of_id IS NULL;

-- Search finds a pasted link by the page URL as well as by the id.
CREATE INDEX posts_url ON posts (url) WHERE url IS NOT NULL;
CREATE INDEX actors_url ON actors (url) WHERE url IS NOT NULL;

-- What happened, for the streaming API: one row per new, edited or deleted post and per
-- notification. Streaming connections poll `WHERE id > ?`; SQLite's single writer commits rows in
-- id order, so a reader never sees a gap fill in later. AUTOINCREMENT keeps ids from being reused
-- after old rows are pruned, which would put new events behind a reader's position.
CREATE TABLE stream_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('update', 'status.update', 'delete', 'notification')),
    post_id INTEGER,                 -- no foreign key: a 'delete' outlives its post
    actor_id INTEGER NOT NULL,       -- the post's author; for a notification, its recipient
    notification_id INTEGER,
    visibility TEXT,
    is_local INTEGER,
    -- 'delete' only: the tags and mentioned actors the post had, gone by the time it is streamed.
    tags TEXT CHECK (tags IS NULL OR json_valid(tags)),
    mentions TEXT CHECK (mentions IS NULL OR json_valid(mentions)),
    created_at INTEGER NOT NULL      -- wall clock, ms
);

CREATE INDEX stream_events_created ON stream_events (created_at);

CREATE TRIGGER posts_stream_insert AFTER INSERT ON posts
BEGIN
    INSERT INTO stream_events (kind, post_id, actor_id, visibility, is_local, created_at)
    VALUES ('update', NEW.id, NEW.actor_id, NEW.visibility, NEW.is_local,
            CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER posts_stream_update AFTER UPDATE OF content, summary, edited_at ON posts
WHEN NEW.edited_at IS NOT OLD.edited_at OR NEW.content IS NOT OLD.content OR NEW.summary IS NOT OLD.summary
BEGIN
    INSERT INTO stream_events (kind, post_id, actor_id, visibility, is_local, created_at)
    VALUES ('status.update', NEW.id, NEW.actor_id, NEW.visibility, NEW.is_local,
            CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

-- BEFORE, not AFTER: by then the post's tags and mentions are already removed by their cascade.
CREATE TRIGGER posts_stream_delete BEFORE DELETE ON posts
BEGIN
    INSERT INTO stream_events (kind, post_id, actor_id, visibility, is_local, tags, mentions, created_at)
    VALUES ('delete', OLD.id, OLD.actor_id, OLD.visibility, OLD.is_local,
            (SELECT json_group_array(name) FROM post_tags WHERE post_id = OLD.id),
            (SELECT json_group_array(actor_id) FROM post_mentions WHERE post_id = OLD.id),
            CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER notifications_stream_insert AFTER INSERT ON notifications
BEGIN
    INSERT INTO stream_events (kind, post_id, actor_id, notification_id, created_at)
    VALUES ('notification', NEW.post_id, NEW.recipient_id, NEW.id,
            CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

-- Bounded: every 100th event prunes what is more than an hour old. A client that was away longer
-- reloads its timelines anyway, as Mastodon clients do after a reconnect.
CREATE TRIGGER stream_events_prune AFTER INSERT ON stream_events WHEN NEW.id % 100 = 0
BEGIN
    DELETE FROM stream_events WHERE created_at < NEW.created_at - 3600000;
END;
