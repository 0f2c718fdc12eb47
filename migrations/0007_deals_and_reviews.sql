-- Deals and reviews (issue 5). A deal is one FEP-0837 Offer of an Agreement for a listing, from a
-- buyer to the seller, and what became of it. Both sides keep a row: the buyer's instance and the
-- seller's each store the deal under the same `offer_uri` (one row when both are local here).
-- `agreement_uri` is the finalized Agreement the seller minted on accepting (NULL until then).
-- No payment details are stored beyond the seller's checkout link (`payment_url`).

CREATE TABLE deals (
    id INTEGER PRIMARY KEY,                                   -- time-sortable (clock.new_id)
    listing_id INTEGER NOT NULL REFERENCES listings (post_id) ON DELETE CASCADE,
    seller_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    buyer_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    state TEXT NOT NULL CHECK (state IN ('offered', 'accepted', 'rejected', 'paid')),
    offer_uri TEXT NOT NULL UNIQUE,
    agreement_uri TEXT UNIQUE,
    payment_url TEXT CHECK (payment_url IS NULL OR payment_url LIKE 'https://%' OR payment_url LIKE 'http://%'),
    reason TEXT,                                              -- why it was rejected, when it was
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (seller_id != buyer_id)
);

-- "My deals" as seller and as buyer, newest first.
CREATE INDEX deals_seller ON deals (seller_id, id);
CREATE INDEX deals_buyer ON deals (buyer_id, id);

-- A review is a post replying to a listing's post with a 1-5 rating. Only one per account and
-- listing counts: a later review replaces the earlier one here (the earlier post stays a reply).
CREATE TABLE reviews (
    listing_id INTEGER NOT NULL REFERENCES listings (post_id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL UNIQUE REFERENCES posts (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (listing_id, actor_id)
);

-- A listing's reviews, newest first (post ids are time-sortable).
CREATE INDEX reviews_listing ON reviews (listing_id, post_id);
