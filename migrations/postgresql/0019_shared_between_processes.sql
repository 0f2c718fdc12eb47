-- Several `redfed serve` and `redfed worker` processes on one database behave as one instance.
-- PostgreSQL reads this file instead of ../0019_shared_between_processes.sql: the same tables,
-- and NOTIFY, which wakes the other processes when their caches or streams have news.

-- Export and import jobs and scheduled posts are leased like deliveries: the process that runs
-- one holds it until `claimed_until` (ms) and renews the lease while it works; a process killed
-- mid-job leaves it to be taken up by another once the lease runs out.
ALTER TABLE exports ADD COLUMN claimed_until BIGINT;
ALTER TABLE imports ADD COLUMN claimed_until BIGINT;
ALTER TABLE scheduled_posts ADD COLUMN claimed_until BIGINT;

-- Rate limits every process counts together (failed sign-ins, sign-ups, inbox requests per
-- host): hits per key in slices of a limit's window; a limit sums the slices its window covers.
CREATE TABLE rate_counts (
    name TEXT NOT NULL,          -- which limit: 'login', 'sign_up', 'inbox'
    key TEXT NOT NULL,           -- what it counts: a login and address, an address, a host
    slice_start BIGINT NOT NULL, -- ms
    hits BIGINT NOT NULL,
    PRIMARY KEY (name, key, slice_start)
);

CREATE INDEX rate_counts_slice ON rate_counts (slice_start);

-- Every streaming process tails stream_events; a new event wakes them as its transaction commits
-- (PostgreSQL sends one notification per channel and transaction, however many rows).
CREATE FUNCTION stream_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('redfed_stream_events', '');
    RETURN NULL;
END $$;

CREATE TRIGGER stream_events_notify AFTER INSERT ON stream_events
FOR EACH STATEMENT EXECUTE FUNCTION stream_events_notify();

-- What processes keep in memory (the domain blocks every request asks about) carries a version
-- that every change bumps, in the changing transaction; NOTIFY tells the others at its commit,
-- and they also compare the version now and then.
CREATE TABLE cache_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);

INSERT INTO cache_versions (name, version) VALUES ('domain_blocks', 0);

CREATE FUNCTION domain_blocks_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'domain_blocks';
    PERFORM pg_notify('redfed_caches', 'domain_blocks');
    RETURN NULL;
END $$;

CREATE TRIGGER domain_blocks_version AFTER INSERT OR UPDATE OR DELETE ON domain_blocks
FOR EACH STATEMENT EXECUTE FUNCTION domain_blocks_version();

-- Secrets every process of the instance signs and checks with (the sign-in forms' CSRF key): the
-- first process to start stores its key file's (or a fresh one), and all of them use that.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
