-- Views of posts and profiles for their authors' insights: one row per subject, day and source,
-- the count of distinct viewers that day. Who viewed is never stored (services/insights/views.py
-- dedupes in memory only). No foreign key: counts are written in batches from memory and must not
-- fail for a post deleted in between; the retention limit removes them.
CREATE TABLE insight_views (
    kind TEXT NOT NULL CHECK (kind IN ('post', 'profile')),
    subject_id BIGINT NOT NULL,      -- posts.id or actors.id
    day BIGINT NOT NULL,             -- days since 1970-01-01, UTC
    source TEXT NOT NULL,            -- profile, hashtag, explore, home, external, other
    views BIGINT NOT NULL,
    PRIMARY KEY (kind, subject_id, day, source)
);

CREATE INDEX insight_views_day ON insight_views (day);
