-- How long a remote host typically takes to accept a delivery (ms, a moving average of the
-- successful ones), for the admin dashboard's slowest domains. NULL until one succeeds.
ALTER TABLE remote_hosts ADD COLUMN latency_ms INTEGER;
