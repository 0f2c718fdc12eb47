-- Remote custom emoji are shown from a copy of our own, fetched by the workers through the media
-- pipeline (its caps and checks), not from the remote server: `original_url` is the image the
-- remote server names, `image_url` what we show (the original until the copy is made).
ALTER TABLE custom_emojis ADD COLUMN original_url TEXT;
ALTER TABLE custom_emojis ADD COLUMN fetch_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE custom_emojis ADD COLUMN next_fetch_at BIGINT;  -- ms; NULL: due now

UPDATE custom_emojis SET original_url = image_url WHERE domain != '';
