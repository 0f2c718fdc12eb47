"""SQL for local accounts (layer 2): logins and settings, sessions, OAuth, posting defaults,
accounts awaiting approval and reset tokens, payment links."""
