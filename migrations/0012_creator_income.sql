-- Creator income (issue 5). Payment links on a profile, as FEP-0ea0 puts them in an actor's
-- `attachment` (Link objects with rel "payment"): a local account's own, set through
-- /api/v1/payment_links, and a remote actor's, read from its document whenever it is fetched.
-- And the "paid partnership" disclosure of a post (or of a listing's post): shown wherever the
-- post is, and federated as text plus `paidPartnership: true` on its Note.

CREATE TABLE payment_links (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 9),   -- at most ten, in the order given
    href TEXT NOT NULL CHECK (length(href) <= 2048 AND (href LIKE 'https://%' OR href LIKE 'http://%')),
    name TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 100),
    PRIMARY KEY (actor_id, position)
);

ALTER TABLE posts ADD COLUMN paid_partnership INTEGER NOT NULL DEFAULT 0 CHECK (paid_partnership IN (0, 1));
