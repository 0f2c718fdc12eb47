"""Local accounts and what their owners hold (layer 4): registration, passwords, sessions and
password resets, two-factor sign-in (two_factor/), OAuth apps and scopes, preferences, profiles
and their payment links."""
