"""Uploaded media (layer 4): Mastodon's upload rules, and checking and re-encoding the files."""
