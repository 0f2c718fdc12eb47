"""Outbound protocol I/O and the mapping between our models and ActivityStreams (layer 3)."""
