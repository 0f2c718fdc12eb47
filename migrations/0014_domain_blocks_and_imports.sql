-- Per-account domain blocks (Mastodon's /api/v1/domain_blocks) and import jobs.
--
-- An account's domain block hides that domain's posts and notifications from the account alone;
-- it is not the instance's (admin) domain block, which lives elsewhere. `domain` is the
-- normalised host (lower case, IDNA ASCII, with a port when there is one).
CREATE TABLE account_domain_blocks (
    id INTEGER PRIMARY KEY,                      -- time-sortable, pages the list
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (actor_id, domain)
);

-- Timelines look up the accounts of a blocked domain.
CREATE INDEX account_domain_blocks_actors ON actors (domain);

-- Import jobs: a CSV of one of Mastodon's import types, or an account archive. The parsed rows
-- (CSV) or the uploaded file's key (archive) are kept until the job ends; import_failures lists
-- the rows that failed and why (a table, so that progress never rewrites a long report).
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,                      -- time-sortable
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('following', 'blocks', 'mutes', 'domain_blocks', 'bookmarks', 'lists',
                                       'followed_hashtags', 'archive')),
    mode TEXT NOT NULL DEFAULT 'merge' CHECK (mode IN ('merge', 'overwrite')),
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    rows TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(rows)),
    file_key TEXT,
    total INTEGER NOT NULL DEFAULT 0,
    processed INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);

CREATE INDEX imports_actor ON imports (actor_id, id);
CREATE INDEX imports_state ON imports (state);

CREATE TABLE import_failures (
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row INTEGER NOT NULL,                        -- the record's place in the file (the header counted)
    value TEXT NOT NULL,
    error TEXT NOT NULL,                         -- unknown account, unreachable, unknown post, bad row, refused
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, row)
);
