"""People and their posts (layer 4): follows, relationships and blocks, posts, statuses and
threads, interactions, polls, scheduled posts, timelines, lists, filters, notifications, streaming."""
