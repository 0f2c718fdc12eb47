-- Per-viewer state of direct conversations (keyed by the thread's root post): how far it was read,
-- and up to which post it was removed from the list (a newer message brings it back, as on Mastodon).

CREATE TABLE conversation_states (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    root_post_id INTEGER NOT NULL,
    read_up_to INTEGER NOT NULL DEFAULT 0,
    hidden_up_to INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (actor_id, root_post_id)
);
