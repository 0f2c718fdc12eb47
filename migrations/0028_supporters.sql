-- Supporters (issue 26): a creator's support tiers, who supports whom, which posts are for
-- supporters only, and the payment providers' webhooks that grant a tier. redfed never handles
-- money: a tier only points at the creator's own payment page.

CREATE TABLE support_tiers (
    id BIGINT PRIMARY KEY,                 -- clock.new_id
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    price TEXT NOT NULL DEFAULT '',        -- as the creator writes it: "3 € a month"
    url TEXT NOT NULL,                     -- the creator's payment page (Ko-fi, Liberapay, …)
    created_at BIGINT NOT NULL,
    UNIQUE (actor_id, name)                -- a webhook names the tier by its name
);

-- One grant per creator and supporter: granting again replaces the tier and the expiry.
CREATE TABLE supporter_grants (
    creator_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    supporter_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    tier_id BIGINT REFERENCES support_tiers (id) ON DELETE SET NULL,
    source TEXT NOT NULL CHECK (source IN ('manual', 'kofi', 'stripe')),
    expires_at BIGINT,                     -- NULL: until revoked
    created_at BIGINT NOT NULL,
    PRIMARY KEY (creator_id, supporter_id)
);

CREATE INDEX supporter_grants_supporter ON supporter_grants (supporter_id, creator_id);

-- Posts for the author's supporters only. They are stored as direct posts, so that every
-- timeline, search and stream that leaves direct posts out leaves these out too.
CREATE TABLE supporter_posts (
    post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    creator_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE
);

CREATE INDEX supporter_posts_creator ON supporter_posts (creator_id, post_id);

-- A creator's webhook per provider: `token` is the unguessable part of its URL, `secret` what
-- the provider proves it knows (Ko-fi's verification token, Stripe's endpoint signing secret).
CREATE TABLE supporter_webhooks (
    creator_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    provider TEXT NOT NULL CHECK (provider IN ('kofi', 'stripe')),
    token TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (creator_id, provider)
);

-- Events already acted on, so a replayed delivery grants nothing twice.
CREATE TABLE supporter_webhook_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    creator_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (provider, event_id)
);
