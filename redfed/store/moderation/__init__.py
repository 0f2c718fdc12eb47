"""SQL for running the instance (layer 2): domain blocks and the relationships they sever,
the admin's view of accounts, invites, and the instance settings."""
