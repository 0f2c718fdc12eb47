-- Several `redfed serve` and `redfed worker` processes on one database behave as one instance.

-- Export and import jobs and scheduled posts are leased like deliveries: the process that runs
-- one holds it until `claimed_until` (ms) and renews the lease while it works; a process killed
-- mid-job leaves it to be taken up by another once the lease runs out.
ALTER TABLE exports ADD COLUMN claimed_until BIGINT;
ALTER TABLE imports ADD COLUMN claimed_until BIGINT;
ALTER TABLE scheduled_posts ADD COLUMN claimed_until BIGINT;
