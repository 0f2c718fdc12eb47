"""SQL for custom emoji: the instance's own, remote ones seen on posts, and which posts show which
(layer 2)."""
