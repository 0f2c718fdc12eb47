-- Imports of the posts of an Instagram or TikTok data export (kinds 'instagram' and 'tiktok').
--
-- SQLite cannot change a CHECK constraint in place, so imports is rebuilt with the new kinds, and
-- import_failures with it, as 0017 did: both new tables are made and filled before the old ones
-- are dropped; renaming imports_v2 rewrites import_failures_v2's reference to it.
CREATE TABLE imports_v2 (
    id INTEGER PRIMARY KEY,                      -- time-sortable
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('following', 'blocks', 'mutes', 'domain_blocks', 'bookmarks', 'lists',
                                       'followed_hashtags', 'archive', 'outbox', 'instagram', 'tiktok')),
    mode TEXT NOT NULL DEFAULT 'merge' CHECK (mode IN ('merge', 'overwrite')),
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    rows TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(rows)),
    file_key TEXT,
    total INTEGER NOT NULL DEFAULT 0,
    processed INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER,
    source_uri TEXT,                             -- kind 'outbox': the old account's actor URI
    claimed_until BIGINT
);

INSERT INTO imports_v2 (id, actor_id, kind, mode, state, rows, file_key, total, processed, imported, error, created_at,
                        finished_at, source_uri, claimed_until)
    SELECT id, actor_id, kind, mode, state, rows, file_key, total, processed, imported, error, created_at,
           finished_at, source_uri, claimed_until FROM imports;

CREATE TABLE import_failures_v2 (
    import_id INTEGER NOT NULL REFERENCES imports_v2 (id) ON DELETE CASCADE,
    row INTEGER NOT NULL,                        -- the record's place in the file (the header counted)
    value TEXT NOT NULL,
    error TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, row)
);

INSERT INTO import_failures_v2 (import_id, row, value, error, detail)
    SELECT import_id, row, value, error, detail FROM import_failures;

DROP TABLE import_failures;
DROP TABLE imports;
ALTER TABLE imports_v2 RENAME TO imports;
ALTER TABLE import_failures_v2 RENAME TO import_failures;

CREATE INDEX imports_actor ON imports (actor_id, id);
CREATE INDEX imports_state ON imports (state);
