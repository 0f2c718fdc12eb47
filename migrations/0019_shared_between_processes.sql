-- Several `redfed serve` and `redfed worker` processes on one database behave as one instance.

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

-- What processes keep in memory (the domain blocks every request asks about) carries a version
-- that every change bumps, in the changing transaction: the others compare it now and then and
-- reload only when it moved.
CREATE TABLE cache_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);

INSERT INTO cache_versions (name, version) VALUES ('domain_blocks', 0);

CREATE TRIGGER domain_blocks_version_insert AFTER INSERT ON domain_blocks
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'domain_blocks';
END;

CREATE TRIGGER domain_blocks_version_update AFTER UPDATE ON domain_blocks
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'domain_blocks';
END;

CREATE TRIGGER domain_blocks_version_delete AFTER DELETE ON domain_blocks
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'domain_blocks';
END;

-- Secrets every process of the instance signs and checks with (the sign-in forms' CSRF key): the
-- first process to start stores its key file's (or a fresh one), and all of them use that.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
