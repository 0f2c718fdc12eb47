-- Follow suggestions a user dismissed (DELETE /api/v1/suggestions/:account_id): never offered to
-- them again, as in Mastodon.
CREATE TABLE suggestion_dismissals (
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (actor_id, target_id)
);
