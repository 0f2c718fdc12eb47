"""SQL for people and their posts (layer 2): follows, relationships and blocks, interactions,
bookmarks, polls, scheduled posts, timelines, lists, filters, notifications, stream events."""
