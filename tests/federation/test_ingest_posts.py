"""Remote posts as received: validated, sanitised and bounded, never a crash."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redfed.errors import BadRequest
from redfed.federation.ingest_posts import MAX_ADDRESSES, MAX_CONTENT, ap_to_remote_post
from redfed.models import Actor
from redfed.protocol.as2 import PUBLIC
from redfed.protocol.http_urls import http_url
from redfed.protocol.instants import MAX_MS

AUTHOR = Actor(
    id=7, uri="https://remote.example/users/fern", type="Person", username="fern", domain="remote.example",
    is_local=False, display_name="", summary="", summary_source="", url=None, inbox_uri=None, outbox_uri=None,
    followers_uri="https://remote.example/users/fern/followers", following_uri=None, featured_uri=None,
    shared_inbox_uri=None, icon_url=None, image_url=None, fields=(), also_known_as=(), moved_to_uri=None,
    manually_approves_followers=False, discoverable=True, published_at=0, updated_at=0,
)


def note(**fields):
    return {
        "id": "https://remote.example/notes/1", "type": "Note", "attributedTo": AUTHOR.uri,
        "content": "<p>hi</p>", "to": [PUBLIC], **fields,
    }


@pytest.mark.parametrize(
    "to, cc, visibility",
    [
        ([PUBLIC], [], "public"),
        (["as:Public"], [], "public"),
        ([AUTHOR.followers_uri], [PUBLIC], "unlisted"),
        ([AUTHOR.followers_uri], [], "private"),
        (["https://here.example/users/alice"], [], "direct"),
    ],
)
def test_visibility__is_read_from_the_addressing_as_mastodon_does(to, cc, visibility):
    assert ap_to_remote_post(note(to=to, cc=cc), AUTHOR, 0).post.visibility == visibility


def test_content__is_sanitised_and_bounded():
    hostile = '<p onclick="x()">ok<script>bad()</script><a href="javascript:alert(1)">link</a><img src=x onerror=y></p>'
    post = ap_to_remote_post(note(content=hostile + "a" * (2 * MAX_CONTENT)), AUTHOR, 0).post
    assert "script" not in post.content and "onclick" not in post.content and "javascript" not in post.content
    assert "<img" not in post.content
    assert len(post.content) <= MAX_CONTENT + 100


def test_mentions_tags_and_attachments__are_kept_within_their_caps():
    tags = [{"type": "Mention", "href": f"https://remote.example/users/u{n}"} for n in range(500)]
    tags += [{"type": "Hashtag", "name": "#Bread"}, {"type": "Hashtag", "name": "#<script>"}]
    attachments = [{"type": "Image", "url": "https://remote.example/a.jpg", "name": "alt", "width": 10}] * 50
    attachments.append({"type": "Image", "url": "javascript:alert(1)"})
    remote = ap_to_remote_post(note(tag=tags, attachment=attachments, to=[PUBLIC] * (MAX_ADDRESSES * 3)), AUTHOR, 0)
    assert len(remote.mention_uris) <= 100
    assert len(remote.post.attachments) == 20 and remote.post.attachments[0]["name"] == "alt"
    assert len(remote.post.audience) == MAX_ADDRESSES


def test_question__keeps_its_options_read_only():
    question = note(type="Question", oneOf=[{"name": "Tea", "replies": {"totalItems": 3}}, {"name": "Coffee"}])
    poll = ap_to_remote_post(question, AUTHOR, 0).post.poll
    assert poll["options"] == [{"title": "Tea", "votes_count": 3}, {"title": "Coffee", "votes_count": 0}]
    assert poll["multiple"] is False


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"id": "https://elsewhere.example/notes/1"}, "another origin"),
        ({"attributedTo": "https://remote.example/users/someone-else"}, "not attributed"),
        ({"type": ["Note", "Article"]}, "unsupported object type"),
        ({"type": "Person"}, "unsupported object type"),
        ({"id": 5}, r"must be an http\(s\) URL"),
        ({"id": "javascript:alert(1)"}, r"must be an http\(s\) URL"),
        ({"published": "yesterday"}, "published must be a date"),
    ],
)
def test_refused__wrong_origin_author_or_types(fields, reason):
    with pytest.raises(BadRequest, match=reason):
        ap_to_remote_post(note(**fields), AUTHOR, 0)


@pytest.mark.parametrize(
    "fields",
    [
        {"content": 5}, {"summary": {"x": 1}}, {"to": {"id": PUBLIC}}, {"tag": "nope"}, {"attachment": 3},
        {"inReplyTo": ["a", "b"]}, {"sensitive": "yes"}, {"contentMap": []},
        {"url": {"href": 5}},
    ],
)
def test_wrong_types__are_ignored_not_crashes(fields):
    assert ap_to_remote_post(note(**fields), AUTHOR, 0).post.uri == "https://remote.example/notes/1"


# What strangers put in a Note (issue 25): odd dates, URLs no resolver takes, surrogates, huge numbers.
ODD = st.one_of(
    st.text(max_size=20), st.integers(-(2**70), 2**70), st.booleans(), st.none(),
    st.sampled_from([
        "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "1969-12-31T23:59:59Z", "2024-02-30T00:00:00Z",
        "http://[", "//1", f"http://{'a' * 64}.example/", "http://xn--a.example/", "http://x\u2100/",
        "https://remote.example/notes/2", "\ud800", "a\x00b",
    ]),
)
VALUES = st.recursive(ODD, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["id", "type", "href", "name", "url", "mediaType", "replies", "totalItems", "width"]), inner,
    max_size=3), max_leaves=6)
FIELDS = st.dictionaries(st.sampled_from([
    "published", "updated", "endTime", "closed", "inReplyTo", "url", "tag", "attachment", "summary", "content",
    "name", "conversation", "oneOf", "anyOf", "type",
]), VALUES, max_size=6)
NOW = 1_750_000_000_000


@given(FIELDS)
def test_any_note__is_refused_or_stored_in_a_form_every_reader_takes(fields):
    try:
        remote = ap_to_remote_post(note(**fields), AUTHOR, NOW)
    except BadRequest:
        return
    post = remote.post
    assert 0 <= post.published_at <= NOW and 0 < post.id < 2**63
    assert post.edited_at is None or post.published_at <= post.edited_at <= NOW
    if post.poll:
        assert post.poll["expires_at"] is None or 0 <= post.poll["expires_at"] <= MAX_MS
        assert post.poll["closed"] is None or 0 <= post.poll["closed"] <= NOW
    links = [post.uri, post.url, post.in_reply_to_uri, *remote.mention_uris] + [a["url"] for a in post.attachments]
    assert all(http_url(link) == link for link in links if link is not None)
    text = [post.content, post.summary, post.conversation, post.attachments, post.poll, remote.hashtags]
    json.dumps(text, ensure_ascii=False).encode("utf-8")  # no lone surrogate left anywhere
