-- A buyer's message with an offer ("Can I pick it up on Saturday?"), shown to the seller beside the
-- offer on both sides. It travels as the Offer's `content`; plain text, at most 500 characters.

ALTER TABLE deals ADD COLUMN message TEXT CHECK (message IS NULL OR length(message) <= 500);
