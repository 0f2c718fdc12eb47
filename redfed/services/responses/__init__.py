"""How people respond to a post (layer 4): quote posts with their consent, emoji reactions, boards."""
