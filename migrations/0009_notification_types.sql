-- More kinds of notification: an account one follows has moved (`move`, as Pleroma and Akkoma call
-- it), an admin's domain block cut relationships (`severed_relationships`, as Mastodon 4.3), and
-- redfed's deals: an offer on one's listing (`redfed.offer`) and an answer or a change to one's deal
-- (`redfed.deal`). A deal notification names its deal, so two offers from one buyer are two events.
-- SQLite cannot change a CHECK in place: the table is rebuilt with its indexes and trigger.

CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY,                      -- time-sortable
    recipient_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN (
        'mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite', 'poll', 'update',
        'admin.sign_up', 'admin.report', 'move', 'severed_relationships', 'redfed.offer', 'redfed.deal'
    )),
    from_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    post_id INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    deal_id INTEGER REFERENCES deals (id) ON DELETE CASCADE,
    group_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

INSERT INTO notifications_new (id, recipient_id, type, from_id, post_id, group_key, created_at)
SELECT id, recipient_id, type, from_id, post_id, group_key, created_at FROM notifications;

DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;

CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
-- One notification per event: a replayed Like or Follow does not notify twice.
CREATE UNIQUE INDEX notifications_once
    ON notifications (recipient_id, type, from_id, coalesce(post_id, 0), coalesce(deal_id, 0));

CREATE TRIGGER notifications_stream_insert AFTER INSERT ON notifications
BEGIN
    INSERT INTO stream_events (kind, post_id, actor_id, notification_id, created_at)
    VALUES ('notification', NEW.post_id, NEW.recipient_id, NEW.id,
            CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
