"""SQL for watching the instance run (layer 2): queue depths and ages, failing remote hosts,
recent errors, growth and storage figures, and the workers' heartbeats. It reads other domains'
tables and writes only `worker_heartbeats`."""
