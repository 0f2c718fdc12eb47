"""The instance's privacy policy (layer 4): what a redfed server keeps about the people who use
it and what it sends to other servers, as the software does it. Served by
/api/v1/instance/privacy_policy and the /privacy-policy page; `UPDATED` changes with the text."""

from datetime import datetime, timezone

UPDATED = int(datetime(2026, 12, 4, tzinfo=timezone.utc).timestamp() * 1000)

TEXT = """What this server keeps

Your account: its name, email address, password (as an Argon2 hash, never in clear), profile, settings, and the two-factor secrets and passkeys you add. What you post, like, boost, bookmark, save, and the people you follow, mute or block. The browsers and apps signed in to your account, with the time and the browser's name, so that you can see and end them. It does not keep your IP address, and it sets no cookie but the one that keeps you signed in.

What other servers receive

Public and unlisted posts, your profile, and whom you follow go to the servers of the people who follow you or are mentioned, as the fediverse works; followers-only and supporters-only posts go only to the servers of those who may read them, and private mentions only to the servers of the people mentioned. Once another server has a copy, this server can ask it to delete it, but cannot make it.

Counting

If this server counts views for creators' insights, it counts them without keeping who viewed what.

Your data is yours

You can download an archive of everything you posted and your lists at any time, move to another server with your followers, and delete your account, which removes your posts here and asks the other servers to remove their copies."""
