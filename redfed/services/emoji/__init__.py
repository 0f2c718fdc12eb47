"""Custom emoji (layer 4): the instance's own, added by admins, and the emoji of posts, local and
remote."""
