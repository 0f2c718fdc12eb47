"""Content: what a local user types becomes Mastodon-shaped HTML; remote HTML is reduced to an
allow-list. Pure functions, no I/O."""

from html.parser import HTMLParser

import pytest

from redfed.content import (
    MAX_HASHTAGS,
    MAX_MENTIONS,
    MentionTarget,
    RenderedPost,
    content_text_length,
    find_hashtags,
    find_mentions,
    html_to_text,
    render_local_post,
    render_local_text,
    sanitize_remote_html,
)

LOCAL = "local.example"
BOB = MentionTarget(
    handle="bob@remote.example",
    actor_uri="https://remote.example/users/bob",
    profile_url="https://remote.example/@bob",
    username="bob",
)
ALICE = MentionTarget(
    handle=f"alice@{LOCAL}",
    actor_uri=f"https://{LOCAL}/users/alice",
    profile_url=f"https://{LOCAL}/@alice",
    username="alice",
)
CAROL = MentionTarget(
    handle="carol@127.0.0.1:8001",
    actor_uri="http://127.0.0.1:8001/users/carol",
    profile_url="http://127.0.0.1:8001/@carol",
    username="carol",
)
TARGETS = {t.handle: t for t in (BOB, ALICE, CAROL)}


def tag_url(name: str) -> str:
    return f"https://{LOCAL}/tags/{name}"


def render(text: str, mentions=TARGETS) -> RenderedPost:
    return render_local_post(text, mentions, tag_url, local_domain=LOCAL)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(markup: str) -> list[tuple[str, dict]]:
    """(tag, attributes) of every element, in document order, as a browser would parse them."""
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser.found


# --- find_mentions -----------------------------------------------------------------------------


def test_find_mentions__local_handle_gets_the_local_domain():
    assert find_mentions("hi @alice!", LOCAL) == [f"alice@{LOCAL}"]


def test_find_mentions__remote_handle_keeps_username_case_and_lowercases_domain():
    assert find_mentions("cc @Bob@Remote.Example.", LOCAL) == ["Bob@remote.example"]


def test_find_mentions__domain_may_carry_a_port_or_be_an_address():
    text = "@bob@remote.example:8001 and @carol@127.0.0.1:8001"
    assert find_mentions(text, LOCAL) == ["bob@remote.example:8001", "carol@127.0.0.1:8001"]


def test_find_mentions__usernames_may_have_inner_dots_and_hyphens_but_not_trailing_ones():
    assert find_mentions("@first.last, @a-b. @x_y-", LOCAL) == [
        f"first.last@{LOCAL}",
        f"a-b@{LOCAL}",
        f"x_y@{LOCAL}",
    ]


def test_find_mentions__after_punctuation_and_at_the_start_of_lines():
    assert find_mentions("(@alice) \n@bob@remote.example: yes", LOCAL) == [
        f"alice@{LOCAL}",
        "bob@remote.example",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "mail me@example.com",
        "mail first.last@example.com or a+b@example.com or x-y@example.com",
        "see https://remote.example/@bob",
        "see https://remote.example/users/x?who=@bob",
        "see remote.example/@bob",
        "see http://bob@remote.example/",
        "an @ alone, @@bob, @bob@ or @bob@@remote.example",
        "not ascii: @bøb",
    ],
)
def test_find_mentions__ignores_emails_urls_and_broken_handles(text):
    assert find_mentions(text, LOCAL) == []


def test_find_mentions__deduplicates_case_insensitively_keeping_first_spelling_and_order():
    text = "@bob@remote.example @Alice @bob@REMOTE.example @alice @BOB@remote.example"
    assert find_mentions(text, LOCAL) == ["bob@remote.example", f"Alice@{LOCAL}"]


def test_find_mentions__stops_at_fifty():
    text = " ".join(f"@user{i}" for i in range(MAX_MENTIONS + 10))
    found = find_mentions(text, LOCAL)
    assert MAX_MENTIONS == 50
    assert found == [f"user{i}@{LOCAL}" for i in range(50)]


# --- find_hashtags -----------------------------------------------------------------------------


def test_find_hashtags__lowercase_names_without_the_sign():
    assert find_hashtags("#Foo and #BarBaz.") == ["foo", "barbaz"]


def test_find_hashtags__unicode_letters_digits_and_underscores():
    text = "#咖啡 #café #cafe\u0301 #हिन्दी #Straße #snake_case #2024Election #1st"
    assert find_hashtags(text) == [
        "咖啡", "café", "cafe\u0301", "हिन्दी", "straße", "snake_case", "2024election", "1st"
    ]


def test_find_hashtags__fullwidth_sign_counts_too():
    assert find_hashtags("＃タグ") == ["タグ"]


@pytest.mark.parametrize(
    "text",
    [
        "#123 and #2024",
        "#_ and #__",
        "a#b and c#d",
        "https://remote.example/page#section",
        "https://remote.example/?q=#tag",
        "example.com/#fragment",
        "remote.example/path#fragment",
        "##double",
        "(x)#after_paren",
        "&#39; is an entity",
    ],
)
def test_find_hashtags__ignores_numbers_url_fragments_and_mid_word(text):
    assert find_hashtags(text) == []


def test_find_hashtags__deduplicates_in_first_seen_order():
    assert find_hashtags("#b #A #B #a #c") == ["b", "a", "c"]


def test_find_hashtags__stops_at_fifty():
    text = " ".join(f"#tag{i}" for i in range(MAX_HASHTAGS + 10))
    assert MAX_HASHTAGS == 50
    assert find_hashtags(text) == [f"tag{i}" for i in range(50)]


# --- render_local_post -------------------------------------------------------------------------


def test_render__one_mention_is_mastodons_h_card_markup():
    post = render("hi @bob@remote.example")
    assert post.html == (
        '<p>hi <span class="h-card" translate="no"><a href="https://remote.example/@bob" '
        'class="u-url mention">@<span>bob</span></a></span></p>'
    )
    assert post.mentions == (BOB,)
    assert post.hashtags == ()


def test_render__one_hashtag_is_mastodons_hashtag_markup_with_written_case():
    post = render("#FediDev")
    assert post.html == (
        f'<p><a href="https://{LOCAL}/tags/fedidev" class="mention hashtag" rel="tag">'
        "#<span>FediDev</span></a></p>"
    )
    assert post.hashtags == ("fedidev",)
    assert post.mentions == ()


def test_render__local_and_port_mentions_link_by_normalised_handle():
    post = render("@alice and @carol@127.0.0.1:8001 and @Bob@Remote.Example")
    assert [(t, a.get("href")) for t, a in elements(post.html) if t == "a"] == [
        ("a", f"https://{LOCAL}/@alice"),
        ("a", "http://127.0.0.1:8001/@carol"),
        ("a", "https://remote.example/@bob"),
    ]
    assert post.mentions == (ALICE, CAROL, BOB)


def test_render__unresolved_mentions_stay_plain_text():
    post = render("hello @nobody and @ghost@gone.example")
    assert post.html == "<p>hello @nobody and @ghost@gone.example</p>"
    assert post.mentions == ()


def test_render__mentions_and_hashtags_are_deduplicated_in_order():
    post = render("@bob@remote.example #B @alice #a @bob@remote.example #b")
    assert post.mentions == (BOB, ALICE)
    assert post.hashtags == ("b", "a")
    # Every occurrence is linked, not only the first.
    assert post.html.count('class="u-url mention"') == 3
    assert post.html.count('class="mention hashtag"') == 3


def test_render__bare_mention_without_local_domain_links_only_when_unambiguous():
    only_alice = {ALICE.handle: ALICE}
    assert render_local_post("@alice", only_alice, tag_url).mentions == (ALICE,)
    namesake = MentionTarget("alice@remote.example", "https://remote.example/users/alice", "", "alice")
    both = {ALICE.handle: ALICE, namesake.handle: namesake}
    assert render_local_post("@alice", both, tag_url).mentions == ()


def test_render__profile_url_falls_back_to_actor_id_and_refuses_other_schemes():
    plain = MentionTarget("bob@remote.example", "https://remote.example/users/bob", "", "bob")
    post = render("@bob@remote.example", {plain.handle: plain})
    assert 'href="https://remote.example/users/bob"' in post.html
    hostile = MentionTarget("bob@remote.example", "javascript:alert(1)", "javascript:alert(2)", "bob")
    post = render("@bob@remote.example", {hostile.handle: hostile})
    assert post.html == "<p>@bob@remote.example</p>"
    assert post.mentions == ()


def test_render__paragraphs_and_line_breaks_like_render_local_text():
    text = "one\r\ntwo\n\n\nthree #x\n"
    assert render(text).html == (
        f'<p>one<br>two</p><p>three <a href="https://{LOCAL}/tags/x" class="mention hashtag" rel="tag">'
        "#<span>x</span></a></p>"
    )
    assert render("  \n\n ").html == ""


def test_render__urls_are_linkified_with_rel_and_target():
    post = render("read https://example.com/a?b=1&c=2 now")
    assert post.html == (
        '<p>read <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" '
        'target="_blank">https://example.com/a?b=1&amp;c=2</a> now</p>'
    )


def test_render__urls_with_fragments_or_at_signs_are_not_mentions_or_tags():
    text = "https://example.com/page#Section https://example.com/@bob@remote.example example.com/#tag"
    post = render(text)
    assert post.hashtags == ()
    assert post.mentions == ()
    links = [a for t, a in elements(post.html) if t == "a"]
    assert [a["href"] for a in links] == [
        "https://example.com/page#Section",
        "https://example.com/@bob@remote.example",
        "http://example.com/#tag",
    ]
    assert all(a["rel"] == "nofollow noopener noreferrer" for a in links)


def test_render__urls_bleach_does_not_link_are_still_not_mined_for_tags():
    # bleach knows no ".example" TLD nor bare addresses; the text stays text, untouched.
    post = render("https://remote.example/@bob#frag http://127.0.0.1:8001/tags/#x")
    assert post.html == "<p>https://remote.example/@bob#frag http://127.0.0.1:8001/tags/#x</p>"
    assert (post.mentions, post.hashtags) == ((), ())


def test_render__emails_are_neither_links_nor_mentions():
    assert render("mail bob@remote.example").html == "<p>mail bob@remote.example</p>"


def test_render__html_in_text_is_escaped():
    text = '<script>alert(1)</script> "><img src=x onerror=alert(1)> & #tag <b>@bob@remote.example</b>'
    post = render(text)
    assert post.html.startswith(
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; "&gt;&lt;img src=x onerror=alert(1)&gt; &amp; '
    )
    assert {tag for tag, _ in elements(post.html)} == {"p", "a", "span"}
    assert post.mentions == (BOB,)


def test_render__hostile_target_fields_and_tag_url_are_escaped():
    evil = MentionTarget(
        handle="bob@remote.example",
        actor_uri="https://remote.example/users/bob",
        profile_url='https://remote.example/"><script>alert(1)</script>',
        username='<img src=x onerror=alert(1)>"',
    )
    post = render_local_post(
        "@bob@remote.example #x", {evil.handle: evil}, lambda name: f'https://h/"onmouseover="alert(1)/{name}'
    )
    found = elements(post.html)
    assert [tag for tag, _ in found] == ["p", "span", "a", "span", "a", "span"]
    assert found[2][1]["href"] == evil.profile_url
    assert found[4][1]["href"] == 'https://h/"onmouseover="alert(1)/x'
    assert all(set(attrs) <= {"href", "class", "rel", "translate"} for _, attrs in found)
    assert html_to_text(post.html) == '@<img src=x onerror=alert(1)>" #x'


def test_render__markup_survives_sanitize_remote_html():
    post = render("hi @bob@remote.example #Tag https://example.com/x")
    sanitized = elements(sanitize_remote_html(post.html))
    assert [(tag, attrs.get("class"), attrs.get("href")) for tag, attrs in sanitized] == [
        ("p", None, None),
        ("span", "h-card", None),
        ("a", "u-url mention", "https://remote.example/@bob"),
        ("span", None, None),
        ("a", "mention hashtag", f"https://{LOCAL}/tags/tag"),
        ("span", None, None),
        ("a", None, "https://example.com/x"),
    ]
    assert html_to_text(sanitize_remote_html(post.html)) == html_to_text(post.html)


def test_render__hashtags_past_fifty_stay_text():
    text = " ".join(f"#t{i}" for i in range(MAX_HASHTAGS + 1)) + " #t0"
    post = render(text)
    assert len(post.hashtags) == 50
    assert post.html.count('class="mention hashtag"') == 51  # fifty names, #t0 twice
    assert f' #t50 <a href="{tag_url("t0")}" class="mention hashtag"' in post.html


# --- content_text_length -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("hello", 5),
        ("https://example.com/" + "x" * 200, 23),
        ("see http://a.co!", 4 + 23 + 1),
        ("(https://remote.example/very/long/path/that/goes/on)", 1 + 23 + 1),
        ("example.com", 11),  # Mastodon only shortens links with a scheme
        ("@bob@remote.example", 4),
        ("@bob@remote.example:8001 hi", 4 + 3),
        ("@alice", 6),
        ("me@example.com", 14),
        ("#Tag", 4),
        ("café", 4),
        ("cafe\u0301", 4),
        ("👨‍👩‍👧 🇩🇪 👍🏽", 5),
        ("a\r\nb", 3),
    ],
)
def test_content_text_length__counts_like_mastodon(text, length):
    assert content_text_length(text) == length


def test_content_text_length__a_full_post_of_links_and_mentions():
    text = "@bob@remote.example look: " + "https://example.com/" + "p" * 300 + " #fedi"
    assert content_text_length(text) == len("@bob look: ") + 23 + len(" #fedi")


# --- sanitize_remote_html (checklist item 21) --------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<p>x<img src="x" onerror="alert(1)">y</p>', "<p>xy</p>"),
        ('<p onclick="alert(1)">q</p>', "<p>q</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="nofollow noopener noreferrer">x</a>'),
        (
            '<a href="data:text/html,<script>alert(1)</script>">x</a>',
            '<a rel="nofollow noopener noreferrer">x</a>',
        ),
        ('<style>p{color:red}</style><p style="color:red">t</p>', "<p>t</p>"),
        ('<iframe src="https://evil.example"></iframe>t', "t"),
        ("<!-- hidden --><p>t</p>", "<p>t</p>"),
    ],
)
def test_sanitize_remote_html__removes_scripts_handlers_schemes_styles_and_media(dirty, clean):
    assert sanitize_remote_html(dirty) == clean


def test_sanitize_remote_html__keeps_only_meaningful_classes_and_forces_rel():
    dirty = (
        '<p><a class="mention evil" href="https://x.example/@a" rel="me" target="_blank">@a</a>'
        '<span class="invisible attacker">https://</span><span class="h-card other">c</span></p>'
    )
    assert sanitize_remote_html(dirty) == (
        '<p><a class="mention" href="https://x.example/@a" rel="nofollow noopener noreferrer">@a</a>'
        '<span class="invisible">https://</span><span class="h-card">c</span></p>'
    )


def test_sanitize_remote_html__keeps_text_structure():
    dirty = "<h1>T</h1><ol start=\"3\"><li>one</li></ol><blockquote><pre><code>x</code></pre></blockquote>"
    assert sanitize_remote_html(dirty) == dirty


def test_render_local_text__escapes_and_links_like_before():
    assert render_local_text("a <b>\n\n\nb\nc https://example.com") == (
        '<p>a &lt;b&gt;</p><p>b<br>c <a href="https://example.com" rel="nofollow noopener noreferrer" '
        'target="_blank">https://example.com</a></p>'
    )
