"""Announcements (layer 4): what the instance's admins tell its accounts, with dismissals and
emoji reactions."""
