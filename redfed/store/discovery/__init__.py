"""SQL for finding things (layer 2): full-text search and followed hashtags."""
