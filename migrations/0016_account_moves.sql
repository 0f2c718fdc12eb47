-- Account moves (ActivityPub `Move`, FEP-7628), both directions, as Mastodon keeps its
-- account_migrations: a local account that moved out (direction 'out'), and every Move we received
-- (direction 'in') with what we made of it - 'done', or 'refused' with the reason (a target that
-- does not alias the origin, a Move whose object is not its sender). The 30-day cooldown between
-- moves and the 7-day window in which a repeated Move does nothing are read from here.
-- Accounts are kept by URI: a refused Move may name accounts we have never stored.

CREATE TABLE account_moves (
    id INTEGER PRIMARY KEY,                      -- time-sortable
    direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    state TEXT NOT NULL CHECK (state IN ('done', 'refused')),
    origin_uri TEXT NOT NULL,
    target_uri TEXT,
    sender_uri TEXT,                             -- who sent an inbound Move
    activity_id TEXT,
    reason TEXT,                                 -- why a Move was refused
    followers_moved INTEGER NOT NULL DEFAULT 0,  -- local follows redirected
    created_at INTEGER NOT NULL
);

CREATE INDEX account_moves_origin ON account_moves (origin_uri, direction, state, created_at);
