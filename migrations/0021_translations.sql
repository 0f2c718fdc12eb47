-- Translations of posts, kept per post and target language. `source_digest` is a digest of the
-- texts that were translated, so an edit (or a remote Update) makes the row stale by itself.
-- Written so that SQLite and PostgreSQL both accept it.
CREATE TABLE post_translations (
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    target_language TEXT NOT NULL,
    source_digest TEXT NOT NULL,
    source_language TEXT,
    provider TEXT NOT NULL,
    texts TEXT NOT NULL, -- a JSON array, in the order the service sent them
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, target_language)
);
