-- Imported posts remember where they came from (the post's id in the archive or on the old
-- server), so that importing the same archive twice creates nothing twice.
ALTER TABLE posts ADD COLUMN origin_uri TEXT;

CREATE UNIQUE INDEX posts_origin ON posts (actor_id, origin_uri) WHERE origin_uri IS NOT NULL;
