"""Streaming (layer 4): Mastodon's live events, from the `stream_events` log to each connection.

channels: what a subscriber may ask for; viewers: what a stream holds about each viewer (blocks,
mutes, domain blocks, exclusive lists, filters), re-read in a few batched queries per round of
events; audience: what one event is (loaded and rendered once) and, in memory, which channel of
which viewer shows it; hub: the tail of the log, the fan-out and the bounded queue of each
connection."""
