"""Running the instance (layer 4): the admin's domain blocks and view of accounts, sign-ups
and their approval, and the instance settings."""
