"""SQL for reading posts as people see them: visibility checks and timelines (layer 2).

Every timeline takes an `IdRange` (Mastodon's max_id / since_id / min_id / limit) and returns
posts newest first. `min_id` pages upward from an id, so it scans ascending and reverses.
"""

from ...db.api import Connection
from ...models import Post
from ..id_pages import IdRange, fetch_page
from ..posts import SELECT_POSTS, row_to_post

_NO_ID = 2**63 - 1

# Posts hidden from a viewer: authors it blocks, authors blocking it, authors it mutes, authors
# on domains it blocks, and boosts of those authors' posts.
_NOT_HIDDEN = """
    posts.actor_id NOT IN (SELECT target_id FROM blocks WHERE actor_id = :viewer)
    AND posts.actor_id NOT IN (SELECT actor_id FROM blocks WHERE target_id = :viewer)
    AND posts.actor_id NOT IN (SELECT target_id FROM mutes WHERE actor_id = :viewer
                               AND (expires_at IS NULL OR expires_at > :now))
    AND posts.actor_id NOT IN (SELECT actors.id FROM account_domain_blocks AS blocked_domain
                               JOIN actors ON actors.domain = blocked_domain.domain
                               WHERE blocked_domain.actor_id = :viewer)
    AND (posts.reblog_of_id IS NULL OR NOT EXISTS (
         SELECT 1 FROM posts AS boosted JOIN actors ON actors.id = boosted.actor_id
         JOIN account_domain_blocks AS blocked_domain ON blocked_domain.domain = actors.domain
         WHERE boosted.id = posts.reblog_of_id AND blocked_domain.actor_id = :viewer))"""

# Accounts a moderator suspended, one by one or with their domain, are gone from every timeline,
# and so are boosts of their posts.
_NOT_SUSPENDED = """
    posts.actor_id NOT IN (SELECT id FROM actors WHERE suspended_at IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM posts AS boosted JOIN actors AS author ON author.id = boosted.actor_id
                    WHERE boosted.id = posts.reblog_of_id AND author.suspended_at IS NOT NULL)"""
# Silenced accounts (a domain block's `silence`) reach shared timelines only for their followers.
_NOT_SILENCED = """
    (posts.actor_id NOT IN (SELECT id FROM actors WHERE silenced_at IS NOT NULL)
     OR posts.actor_id IN (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted'))"""

# What a viewer may see of a post it is not the author of (services/visibility.py, in SQL).
_VISIBLE = """
    (posts.visibility IN ('public', 'unlisted')
     OR posts.actor_id = :viewer
     OR posts.id IN (SELECT post_id FROM post_mentions WHERE actor_id = :viewer)
     OR (posts.visibility = 'private' AND posts.actor_id IN
         (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted')))"""


async def _page(conn: Connection, where: str, params: dict, page: IdRange, column: str = "posts.id") -> list[Post]:
    return await fetch_page(conn, SELECT_POSTS, where, params, page, column, row_to_post)


async def follows_accepted(conn: Connection, follower_id: int, followee_id: int) -> bool:
    async with conn.execute(
        "SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ? AND state = 'accepted'", (follower_id, followee_id)
    ) as cursor:
        return await cursor.fetchone() is not None


async def is_mentioned(conn: Connection, post_id: int, actor_id: int) -> bool:
    async with conn.execute("SELECT 1 FROM post_mentions WHERE post_id = ? AND actor_id = ?", (post_id, actor_id)) as cursor:
        return await cursor.fetchone() is not None


# How many of the newest posts home() walks through before it seeks account by account instead.
HOME_WALK = 5_000

_HOME_AUTHORS = """
    SELECT :viewer AS id UNION
    SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted'"""
# A followed account's direct post shows only when it mentions the viewer (the mentions branch).
_HOME_SHOWN = "(candidate.actor_id = :viewer OR candidate.visibility != 'direct')"
_MENTIONS = "posts.id IN (SELECT post_id FROM post_mentions WHERE actor_id = :viewer)"
# Supporters-only posts (stored as direct) of the creators whose grant to the viewer is in force.
_SUPPORTING = """
    posts.id IN (SELECT marked.post_id FROM supporter_grants
                 JOIN supporter_posts AS marked ON marked.creator_id = supporter_grants.creator_id
                 WHERE supporter_grants.supporter_id = :viewer AND marked.post_id < :max_id AND marked.post_id > :lower
                 AND (supporter_grants.expires_at IS NULL OR supporter_grants.expires_at > :now))"""
# Public and unlisted posts (not boosts, not from silenced accounts) carrying a hashtag the viewer
# follows: the newest `limit` of each followed tag, one index seek per tag however busy it is.
_FOLLOWED_TAGS = """
    posts.id IN (SELECT tagged.post_id FROM followed_tags AS followed JOIN post_tags AS tagged ON tagged.post_id IN (
                     SELECT candidate.post_id FROM post_tags AS candidate JOIN posts AS shown ON shown.id = candidate.post_id
                     WHERE candidate.name = followed.name AND candidate.post_id < :max_id AND candidate.post_id > :lower
                     AND shown.visibility IN ('public', 'unlisted') AND shown.reblog_of_id IS NULL
                     AND shown.actor_id NOT IN (SELECT id FROM actors WHERE silenced_at IS NOT NULL)
                     ORDER BY candidate.post_id {order} LIMIT :limit)
                 WHERE followed.actor_id = :viewer AND tagged.name = followed.name)"""


async def home(conn: Connection, viewer_id: int, limit: int, before_id: int | None = None, *,
               page: IdRange | None = None, now: int = 0) -> list[Post]:
    """The viewer's own posts and boosts, those of accounts it follows (direct ones only when they
    mention the viewer), posts that mention it, supporters-only posts of those it supports, and
    public or unlisted posts with a hashtag it follows; nothing from blocked or muted accounts.

    Two routes to the same rows: a walk down the newest posts, quick while the followed accounts
    post often; and, when that walk comes back short, an index seek per followed account, whose
    cost is bounded by the number of follows however quiet they are."""
    page = page or IdRange(max_id=before_id, limit=limit)
    order = "ASC" if page.min_id is not None else "DESC"
    lower = max((b for b in (page.since_id, page.min_id) if b is not None), default=0)
    params = {"viewer": viewer_id, "now": now, "walk": HOME_WALK, "max_id": page.max_id or _NO_ID, "lower": lower,
              "limit": page.limit}
    tags = _FOLLOWED_TAGS.format(order=order)
    walk = f"""
        (posts.id IN (SELECT candidate.id FROM (SELECT id, actor_id, visibility FROM posts NOT INDEXED
                                                WHERE id < :max_id AND id > :lower ORDER BY id {order} LIMIT :walk) AS candidate
                      WHERE candidate.actor_id IN ({_HOME_AUTHORS}) AND {_HOME_SHOWN})
         OR {_MENTIONS} OR {_SUPPORTING} OR {tags}) AND {_NOT_HIDDEN} AND {_NOT_SUSPENDED}"""
    found = await _page(conn, walk, params, page)
    if len(found) == page.limit:
        return found
    seek = f"""
        (posts.id IN (SELECT newest.id FROM ({_HOME_AUTHORS}) AS author JOIN posts AS newest ON newest.id IN (
                          SELECT candidate.id FROM posts AS candidate WHERE candidate.actor_id = author.id
                          AND candidate.id < :max_id AND candidate.id > :lower AND {_HOME_SHOWN}
                          ORDER BY candidate.id {order} LIMIT :limit))
         OR {_MENTIONS} OR {_SUPPORTING} OR {tags}) AND {_NOT_HIDDEN} AND {_NOT_SUSPENDED}"""
    return await _page(conn, seek, params, page)


async def public(conn: Connection, viewer_id: int | None, page: IdRange, *, local: bool | None,
                 only_media: bool, now: int) -> list[Post]:
    """Public posts (no boosts, no replies to others as Mastodon's federated timeline keeps them)."""
    where = f"posts.visibility = 'public' AND posts.reblog_of_id IS NULL AND {_NOT_SUSPENDED} AND {_NOT_SILENCED}"
    if local is not None:
        where += f" AND posts.is_local = {1 if local else 0}"
    if only_media:
        where += " AND (posts.attachments != '[]' OR EXISTS (SELECT 1 FROM media WHERE media.post_id = posts.id))"
    if viewer_id is not None:
        where += f" AND {_NOT_HIDDEN}"
    return await _page(conn, where, {"viewer": viewer_id or 0, "now": now}, page)


async def tagged(conn: Connection, viewer_id: int | None, any_of: list[str], all_of: list[str],
                 none_of: list[str], page: IdRange, *, local: bool | None, now: int) -> list[Post]:
    params: dict = {"viewer": viewer_id or 0, "now": now}

    def names(prefix: str, values: list[str]) -> str:
        params.update({f"{prefix}{i}": v for i, v in enumerate(values)})
        return ", ".join(f":{prefix}{i}" for i in range(len(values)))

    where = (f"posts.visibility = 'public' AND {_NOT_SUSPENDED} AND {_NOT_SILENCED} "
             f"AND posts.id IN (SELECT post_id FROM post_tags WHERE name IN ({names('any', any_of)}))")
    for i, name in enumerate(all_of):
        params[f"all{i}"] = name
        where += f" AND posts.id IN (SELECT post_id FROM post_tags WHERE name = :all{i})"
    if none_of:
        where += f" AND posts.id NOT IN (SELECT post_id FROM post_tags WHERE name IN ({names('none', none_of)}))"
    if local is not None:
        where += f" AND posts.is_local = {1 if local else 0}"
    if viewer_id is not None:
        where += f" AND {_NOT_HIDDEN}"
    return await _page(conn, where, params, page)


# The author's supporters-only posts, for a viewer whose grant from the author is in force.
_SUPPORTED_BY_VIEWER = """
    (posts.id IN (SELECT post_id FROM supporter_posts WHERE creator_id = :author)
     AND EXISTS (SELECT 1 FROM supporter_grants WHERE creator_id = :author AND supporter_id = :viewer
                 AND (expires_at IS NULL OR expires_at > :now)))"""


async def by_account(conn: Connection, viewer_id: int | None, author_id: int, page: IdRange, *,
                     exclude_replies: bool, exclude_reblogs: bool, only_media: bool, tagged_name: str | None,
                     pinned: bool, now: int) -> list[Post]:
    """An account's posts as the viewer may see them (its profile)."""
    params: dict = {"viewer": viewer_id or 0, "author": author_id, "tag": tagged_name, "now": now}
    where = f"posts.actor_id = :author AND ({_VISIBLE} OR {_SUPPORTED_BY_VIEWER}) AND {_NOT_SUSPENDED}"
    if exclude_replies:
        # Mastodon keeps self-replies (threads) on the profile.
        where += " AND (posts.in_reply_to_uri IS NULL OR posts.in_reply_to_id IN (SELECT id FROM posts WHERE actor_id = :author))"
    if exclude_reblogs:
        where += " AND posts.reblog_of_id IS NULL"
    if only_media:
        where += " AND (posts.attachments != '[]' OR EXISTS (SELECT 1 FROM media WHERE media.post_id = posts.id))"
    if tagged_name:
        where += " AND posts.id IN (SELECT post_id FROM post_tags WHERE name = :tag)"
    if pinned:
        where += " AND posts.id IN (SELECT post_id FROM featured_posts WHERE actor_id = :author)"
    return await _page(conn, where, params, page)


async def favourited_by(conn: Connection, viewer_id: int, page: IdRange) -> list[tuple[int, Post]]:
    """(like id, post) of the viewer's favourites, newest like first: pages go by like id."""
    return await _joined(conn, "likes", viewer_id, page)


async def bookmarked_by(conn: Connection, viewer_id: int, page: IdRange) -> list[tuple[int, Post]]:
    return await _joined(conn, "bookmarks", viewer_id, page)


async def _joined(conn: Connection, table: str, viewer_id: int, page: IdRange) -> list[tuple[int, Post]]:
    head = f"SELECT {table}.id, {SELECT_POSTS.removeprefix('SELECT ')} JOIN {table} ON {table}.post_id = posts.id"
    where = f"{table}.actor_id = :viewer AND {_VISIBLE}"
    return await fetch_page(
        conn, head, where, {"viewer": viewer_id}, page, f"{table}.id", lambda row: (row[0], row_to_post(row[1:]))
    )


async def replies_to(conn: Connection, post_id: int, limit: int = 100) -> list[Post]:
    async with conn.execute(
        f"{SELECT_POSTS} WHERE posts.in_reply_to_id = ? ORDER BY posts.id LIMIT ?", (post_id, limit)
    ) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]


async def public_posts_by(conn: Connection, actor_id: int, limit: int, before_id: int | None = None) -> list[Post]:
    async with conn.execute(
        f"{SELECT_POSTS} WHERE posts.actor_id = ? AND posts.visibility IN ('public', 'unlisted') AND posts.id < ? "
        "ORDER BY posts.id DESC LIMIT ?",
        (actor_id, before_id or _NO_ID, limit),
    ) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]


async def direct_posts(conn: Connection, viewer_id: int, limit: int) -> list[Post]:
    """The newest direct posts the viewer wrote or was addressed in (supporters-only posts, stored
    as direct, are no conversation)."""
    async with conn.execute(
        f"{SELECT_POSTS} WHERE posts.visibility = 'direct' AND (posts.actor_id = :viewer "
        "OR posts.id IN (SELECT post_id FROM post_mentions WHERE actor_id = :viewer)) "
        "AND posts.id NOT IN (SELECT post_id FROM supporter_posts) "
        "ORDER BY posts.id DESC LIMIT :limit",
        {"viewer": viewer_id, "limit": limit},
    ) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]
