"""SQL for search: posts by full text, accounts by name, hashtags by prefix (layer 2).

The full-text index (`post_search`, migration 0004) is unicode61 over text prepared by
`indexed_text`, which the SQL function `redfed_text` runs inside the triggers. unicode61 splits on
spaces and punctuation, so a run of Chinese or Japanese would be one token and "咖啡" would never
match "我喜欢咖啡"; every CJK character is therefore indexed as a token of its own, and a CJK query
becomes a phrase of its characters, which matches exactly the substrings. Measured against trigram
(which cannot match the two-character words most Chinese words are) and two tables: see the
migration and the module's tests.

On PostgreSQL the same text is indexed as a tsvector of the same tokens
(migrations/postgresql/0017_baseline.sql), and a search is a tsquery of the same phrases: the
dialect only changes how the phrases are written and matched.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from ...db.api import Connection
from ...models import Actor, Post
from ..actors import SELECT_ACTORS, row_to_actor
from ..posts import SELECT_POSTS, row_to_post

# Han (with extensions and compatibility ideographs), kana and Hangul: scripts written without
# spaces between words.
_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f]"
)
# CJK punctuation (、。，！「」…) becomes a token no query contains, so that a phrase cannot match
# across it: "喜欢。咖啡" is not "喜欢咖啡". unicode61 keeps private-use characters in tokens.
_CJK_PUNCTUATION = re.compile("[" + "".join(
    chr(c) for c in [*range(0x3000, 0x3040), *range(0xFF01, 0xFF66)]
    if unicodedata.category(chr(c))[0] in "PSZ" and not chr(c).isalnum()
) + "]")
_BREAK = " \ue000 "
_TAG = re.compile(r"<[^>]*>")
# What unicode61 keeps in tokens by default: letters and numbers (categories L* and N*).
_TOKEN = re.compile(r"[^\W_]+")
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
MAX_QUERY_TERMS = 8
MAX_QUERY_CHARACTERS = 200
_NO_ID = 2**63 - 1


def indexed_text(value) -> str:
    """Stored (sanitised) post HTML → the text the index sees. Registered as `redfed_text`.

    Tags become spaces, so words either side of `<br>` or `</p><p>` stay apart (content.html_to_text,
    made for titles, joins them), and it is eight times faster; sanitised HTML escapes every `<` in
    text, so a tag pattern cannot eat words. Never raises: an exception here would fail the
    statement that wrote the post.
    """
    if not isinstance(value, str) or not value:
        return ""
    text = _CJK.sub(r" \g<0> ", html.unescape(_TAG.sub(" ", value)))
    return _CJK_PUNCTUATION.sub(_BREAK, text)


@dataclass(frozen=True)
class Phrase:
    """One search term: its tokens in order, the last matching as a prefix or not."""

    tokens: tuple[str, ...]
    prefix: bool


def match_expression(query: str) -> tuple[Phrase, ...] | None:
    """A user's search words → the phrases a post must all contain; None if no term.

    A word ending in a letter matches as a prefix ("cat" finds "cats"), a "quoted" term exactly;
    CJK characters are tokens of their own, so a CJK word is a phrase of its characters.
    """
    phrases = []
    for quoted, bare in _TERM.findall(query[:MAX_QUERY_CHARACTERS]):
        tokens = _TOKEN.findall(_CJK.sub(r" \g<0> ", quoted or bare))
        if tokens:
            phrases.append(Phrase(tuple(tokens), bool(bare) and not _CJK.fullmatch(tokens[-1])))
    return tuple(phrases[:MAX_QUERY_TERMS]) or None


def fts5_match(phrases: tuple[Phrase, ...]) -> str:
    """SQLite: an FTS5 MATCH expression. Each phrase is quoted, so FTS5 operators in the input are
    plain words."""
    return " AND ".join('"' + " ".join(p.tokens) + '"' + ("*" if p.prefix else "") for p in phrases)


def tsquery_terms(phrases: tuple[Phrase, ...]) -> str:
    """PostgreSQL: the argument of the SQL function redfed_tsquery, one phrase a line and '*' after
    a prefix; the function cuts and folds each line as the index's text was (tokens hold neither
    spaces, newlines nor '*')."""
    return "\n".join(" ".join(p.tokens) + ("*" if p.prefix else "") for p in phrases)


# How each dialect matches post_search against the phrases, and writes them.
_MATCH = {
    "sqlite": ("post_search MATCH :match", fts5_match),
    "postgresql": ("post_search.document @@ redfed_tsquery(:match)", tsquery_terms),
}


# Whom a searcher may find posts of: itself; public and unlisted posts of accounts that opted in
# to being indexed (Mastodon 4.2's `indexable`, our `discoverable`); and posts it was mentioned
# in, favourited or bookmarked, if it may still see them. Never blocked or muted authors, nor suspended
# ones; silenced ones only for their followers.
_SEARCHABLE = """
    (posts.actor_id = :viewer
     OR (posts.visibility IN ('public', 'unlisted')
         AND posts.actor_id IN (SELECT id FROM actors WHERE discoverable = 1))
     OR ((posts.visibility IN ('public', 'unlisted')
          OR posts.id IN (SELECT post_id FROM post_mentions WHERE actor_id = :viewer)
          OR (posts.visibility = 'private' AND posts.actor_id IN
              (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted')))
         AND (posts.id IN (SELECT post_id FROM post_mentions WHERE actor_id = :viewer)
              OR posts.id IN (SELECT post_id FROM likes WHERE actor_id = :viewer)
              OR posts.id IN (SELECT post_id FROM bookmarks WHERE actor_id = :viewer))))
    AND posts.actor_id NOT IN (SELECT id FROM actors WHERE suspended_at IS NOT NULL)
    AND (posts.actor_id NOT IN (SELECT id FROM actors WHERE silenced_at IS NOT NULL)
         OR posts.actor_id IN (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted'))
    AND posts.actor_id NOT IN (SELECT target_id FROM blocks WHERE actor_id = :viewer)
    AND posts.actor_id NOT IN (SELECT actor_id FROM blocks WHERE target_id = :viewer)
    AND posts.actor_id NOT IN (SELECT target_id FROM mutes WHERE actor_id = :viewer
                               AND (expires_at IS NULL OR expires_at > :now))"""


async def search_posts(
    conn: Connection, phrases: tuple[Phrase, ...], viewer_id: int, *, author_id: int | None,
    max_id: int | None, min_id: int | None, limit: int, offset: int, now: int,
) -> list[Post]:
    """Posts containing every phrase that the viewer may find, newest first. Ordering by the
    index's own rowid lets FTS5 walk its results backwards and stop after the page."""
    condition, write = _MATCH[conn.dialect]
    sql = (
        f"{SELECT_POSTS} JOIN post_search ON post_search.rowid = posts.id "
        f"WHERE {condition} AND post_search.rowid < :max_id AND post_search.rowid > :min_id "
        f"AND posts.reblog_of_id IS NULL AND (:author = 0 OR posts.actor_id = :author) AND {_SEARCHABLE} "
        "ORDER BY post_search.rowid DESC LIMIT :limit OFFSET :offset"
    )
    params = {
        "match": write(phrases), "viewer": viewer_id, "author": author_id or 0, "max_id": max_id or _NO_ID,
        "min_id": min_id or 0, "limit": limit, "offset": offset, "now": now,
    }
    async with conn.execute(sql, params) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search_actors(
    conn: Connection, name: str, domain: str | None, viewer_id: int | None, *, following: bool,
    limit: int, offset: int,
) -> list[Actor]:
    """Accounts whose username, display name or a word of it starts with `name` (ASCII letters
    without regard to case), on `domain` if given. Exact usernames first, then accounts the viewer
    follows, then local ones. The instance actor, suspended accounts and local accounts awaiting
    approval are left out, and silenced ones unless the viewer follows them."""
    prefix = _like_prefix(name.lower())
    sql = f"""
        {SELECT_ACTORS}
        WHERE suspended_at IS NULL AND NOT (is_local = 1 AND type = 'Application')
          AND (silenced_at IS NULL
               OR id IN (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted'))
          AND (lower(username) LIKE :prefix ESCAPE '\\' OR lower(display_name) LIKE :prefix ESCAPE '\\'
               OR lower(display_name) LIKE '% ' || :prefix ESCAPE '\\')
          AND (:domain IS NULL OR domain = :domain)
          AND (:following = 0 OR id IN (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted'))
          AND id NOT IN (SELECT target_id FROM blocks WHERE actor_id = :viewer)
          AND id NOT IN (SELECT actor_id FROM blocks WHERE target_id = :viewer)
          AND id NOT IN (SELECT actor_id FROM users WHERE pending = 1)
        ORDER BY lower(username) = :exact DESC,
                 id IN (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted') DESC,
                 is_local DESC, lower(username), id
        LIMIT :limit OFFSET :offset"""
    params = {
        "prefix": prefix, "exact": name.lower(), "domain": domain, "following": int(following),
        "viewer": viewer_id or 0, "limit": limit, "offset": offset,
    }
    async with conn.execute(sql, params) as cursor:
        return [row_to_actor(row) for row in await cursor.fetchall()]


async def search_tags(conn: Connection, prefix: str, *, limit: int, offset: int) -> list[str]:
    """Hashtags of public and unlisted posts starting with `prefix` (names are stored lower case):
    the exact name first, then the most used. A range on post_tags_name, not a LIKE scan."""
    sql = """
        SELECT post_tags.name FROM post_tags JOIN posts ON posts.id = post_tags.post_id
        WHERE post_tags.name >= :prefix AND post_tags.name < :past_prefix
          AND posts.visibility IN ('public', 'unlisted')
        GROUP BY post_tags.name
        ORDER BY post_tags.name = :prefix DESC, count(*) DESC, post_tags.name
        LIMIT :limit OFFSET :offset"""
    # Every name that starts with the prefix sorts before prefix + the last code point.
    params = {"prefix": prefix, "past_prefix": prefix + "\U0010ffff", "limit": limit, "offset": offset}
    async with conn.execute(sql, params) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def followed_tag_names(conn: Connection, actor_id: int, names: list[str]) -> set[str]:
    if not names:
        return set()
    marks = ", ".join("?" for _ in names)
    async with conn.execute(
        f"SELECT name FROM followed_tags WHERE actor_id = ? AND name IN ({marks})", [actor_id, *names]
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def find_actor_by_url(conn: Connection, url: str) -> Actor | None:
    """An actor we know by its id or its profile page URL."""
    async with conn.execute(f"{SELECT_ACTORS} WHERE uri = :url OR url = :url LIMIT 1", {"url": url}) as cursor:
        row = await cursor.fetchone()
    return row_to_actor(row) if row else None


async def find_post_by_url(conn: Connection, url: str) -> Post | None:
    """A post we know by its id or its page URL (not a boost: those share the boosted post's page)."""
    async with conn.execute(
        f"{SELECT_POSTS} WHERE (posts.uri = :url OR posts.url = :url) AND posts.reblog_of_id IS NULL LIMIT 1",
        {"url": url},
    ) as cursor:
        row = await cursor.fetchone()
    return row_to_post(row) if row else None
