-- Which processes run the queue workers, and when each last finished a round: readiness and the
-- admin dashboard tell "no worker is running" from "the queues are quiet" by these rows, whichever
-- process (`redfed serve` with in-process workers, or `redfed worker`) does the work.
CREATE TABLE worker_heartbeats (
    process TEXT PRIMARY KEY,     -- host:pid
    role TEXT NOT NULL,           -- 'serve' or 'worker'
    version TEXT NOT NULL,
    started_at BIGINT NOT NULL,   -- ms
    seen_at BIGINT NOT NULL       -- ms
);

CREATE INDEX worker_heartbeats_seen ON worker_heartbeats (seen_at);
