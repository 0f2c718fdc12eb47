-- Product listings (issue 5). A listing IS a post: the Note that carries it is an ordinary row of
-- `posts` (so timelines, likes, boosts, replies, search and Mastodon apps need nothing new), and
-- this table holds the structured part, one row per carrying post. Deleting the post deletes the
-- listing. `proposal_uri` is the FEP-0837 Proposal's id, for ours `<actor>/listings/<post id>`;
-- for a bare Proposal received from another server it is also the synthesized post's uri.

CREATE TABLE listings (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    proposal_uri TEXT NOT NULL UNIQUE,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,   -- the seller (the post's author)
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    price_kind TEXT NOT NULL CHECK (price_kind IN ('fixed', 'free', 'on_request')),
    price_amount TEXT,               -- a decimal string with at most the currency's minor digits
    price_currency TEXT,             -- ISO 4217 code
    quantity INTEGER CHECK (quantity IS NULL OR quantity >= 0),
    availability TEXT NOT NULL DEFAULT 'in_stock'
        CHECK (availability IN ('in_stock', 'sold_out', 'made_to_order')),
    condition TEXT CHECK (condition IS NULL OR condition IN ('new', 'used', 'refurbished')),
    category TEXT,
    regions TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(regions)),
    checkout_url TEXT CHECK (checkout_url IS NULL OR checkout_url LIKE 'https://%' OR checkout_url LIKE 'http://%'),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paused', 'sold', 'closed')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- A fixed price has an amount and a currency; free and on-request prices have neither.
    CHECK ((price_kind = 'fixed') = (price_amount IS NOT NULL AND price_currency IS NOT NULL)),
    CHECK (price_kind = 'fixed' OR (price_amount IS NULL AND price_currency IS NULL)),
    CHECK (price_amount IS NULL OR (price_amount NOT GLOB '*[^0-9.]*' AND price_amount GLOB '[0-9]*')),
    CHECK (price_currency IS NULL OR (length(price_currency) = 3 AND price_currency NOT GLOB '*[^A-Z]*'))
);

-- A seller's listings, newest first (post ids are time-sortable).
CREATE INDEX listings_seller ON listings (actor_id, post_id);
-- Browsing a category, and price ranges within one currency (the expression is what search uses).
CREATE INDEX listings_category ON listings (category, post_id) WHERE category IS NOT NULL;
CREATE INDEX listings_price ON listings (price_currency, CAST(price_amount AS REAL)) WHERE price_kind = 'fixed';
