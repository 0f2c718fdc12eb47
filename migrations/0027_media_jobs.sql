-- Videos are transcoded by the workers: one job per upload still to process, naming the original
-- file (kept in the media store until the job ends) and leased like the other queues, so that a
-- worker that stops or dies leaves the job to the next one.
CREATE TABLE media_jobs (
    media_id BIGINT PRIMARY KEY REFERENCES media (id) ON DELETE CASCADE,
    source_key TEXT NOT NULL,
    probe TEXT NOT NULL,              -- JSON: what the upload's probe found (size, rate, length, audio)
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT,             -- ms; NULL: free for any worker
    created_at BIGINT NOT NULL
);

CREATE INDEX media_jobs_claimed ON media_jobs (claimed_until);
