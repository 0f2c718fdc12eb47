"""Watching the instance run (layer 4): Prometheus metrics, health and readiness, the workers'
heartbeats and the admin dashboard's figures and warnings."""
