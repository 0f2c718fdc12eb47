"""SQL for supporters (layer 2): support tiers, grants, supporters-only posts, provider webhooks."""
