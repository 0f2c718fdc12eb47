-- Groups (FEP-1b12, issue 19): a local Group actor that members join by following it, and that
-- announces its members' posts to them all. The actor row is an ordinary local actor of type
-- 'Group' (its followers are the members; `manually_approves_followers` makes membership
-- approval-only); this table keeps what only a group has.
-- `members_visible` 0 hides the followers collection's pages (its count stays).
CREATE TABLE group_actors (
    actor_id BIGINT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    rules TEXT NOT NULL DEFAULT '',
    members_visible BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES actors (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);

-- Who moderates a group: local accounts only, so no remote server can claim the role.
CREATE TABLE group_moderators (
    group_id BIGINT NOT NULL REFERENCES group_actors (actor_id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, actor_id)
);

CREATE INDEX group_moderators_actor ON group_moderators (actor_id);

-- Posts a moderator removed from a group, by uri: the group never announces them again.
CREATE TABLE group_removals (
    group_id BIGINT NOT NULL REFERENCES group_actors (actor_id) ON DELETE CASCADE,
    post_uri TEXT NOT NULL,
    removed_by BIGINT REFERENCES actors (id) ON DELETE SET NULL,
    removed_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, post_uri)
);
