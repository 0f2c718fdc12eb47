"""An account's data in and out (layer 4): exports, CSV and archive imports, outbox imports of
moved posts and listings, moves and aliases, and the background jobs that run them."""
