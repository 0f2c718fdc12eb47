"""SQL for how people respond to a post (layer 2): quotes and their policies, emoji reactions, boards."""
