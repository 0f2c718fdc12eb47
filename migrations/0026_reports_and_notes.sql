-- Reports (Mastodon's Report): a local account reporting an account and some of its posts, or a
-- remote server's `Flag`, in one queue for the moderators. `reporter_id` is who filed it: the local
-- account, or the remote actor that sent the Flag (a server's instance actor as a rule), never an
-- account we made up. `uri` is the Flag's id: ours once forwarded, theirs when it came in.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    uri TEXT,
    reporter_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    category TEXT NOT NULL CHECK (category IN ('spam', 'legal', 'violation', 'other')),
    comment TEXT NOT NULL DEFAULT '',
    rule_ids TEXT NOT NULL DEFAULT '[]',      -- JSON array of the instance rules named
    forwarded INTEGER NOT NULL DEFAULT 0 CHECK (forwarded IN (0, 1)),
    assigned_to_id INTEGER REFERENCES actors (id) ON DELETE SET NULL,
    action_taken_by_id INTEGER REFERENCES actors (id) ON DELETE SET NULL,
    resolved_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (uri, target_id)               -- a replayed Flag files nothing new
);

CREATE INDEX reports_queue ON reports (resolved_at, id);
CREATE INDEX reports_target ON reports (target_id);

CREATE TABLE report_posts (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    PRIMARY KEY (report_id, post_id)
);

CREATE INDEX report_posts_post ON report_posts (post_id);

-- Notes between moderators on one report.
CREATE TABLE report_notes (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES actors (id) ON DELETE SET NULL,
    content TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX report_notes_report ON report_notes (report_id, id);

-- What moderators did, for moderators to read (Mastodon's Admin::ActionLog): who, what, to which
-- record, and a line saying it in words that outlive the record.
CREATE TABLE moderation_log (
    id INTEGER PRIMARY KEY,
    moderator_id INTEGER REFERENCES actors (id) ON DELETE SET NULL,
    action TEXT NOT NULL,                     -- e.g. 'resolve_report', 'suspend_account'
    target_type TEXT NOT NULL,                -- 'report' or 'account'
    target_id INTEGER NOT NULL,
    summary TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX moderation_log_recent ON moderation_log (id);

-- An admin.report notification names its report, so two reports by one account notify twice.
ALTER TABLE notifications ADD COLUMN report_id INTEGER REFERENCES reports (id) ON DELETE CASCADE;
DROP INDEX notifications_once;
CREATE UNIQUE INDEX notifications_once ON notifications (
    recipient_id, type, from_id, coalesce(post_id, 0), coalesce(deal_id, 0), coalesce(severance_id, 0),
    coalesce(report_id, 0)
);

-- Private notes one account keeps about another (Mastodon's AccountNote), shown only to its
-- writer, in the relationship.
CREATE TABLE account_notes (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    comment TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (actor_id, target_id)
);
