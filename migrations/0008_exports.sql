-- Account exports (issue 6): one row per requested archive. The job runs in the background and
-- records how far it got; the finished zip lives under the instance folder at `file_key`, a random
-- unguessable name, until `expires_at` (7 days, as Mastodon keeps its archives).

CREATE TABLE exports (
    id INTEGER PRIMARY KEY,                      -- time-sortable
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    file_key TEXT,
    size INTEGER,
    created_at INTEGER NOT NULL,
    finished_at INTEGER,
    expires_at INTEGER,
    error TEXT
);

CREATE INDEX exports_actor ON exports (actor_id, id);
CREATE INDEX exports_state ON exports (state);
