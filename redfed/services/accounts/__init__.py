"""Local accounts and what their owners hold (layer 4): registration, passwords, sessions and
password resets, OAuth apps and scopes, preferences, profiles and their payment links."""
