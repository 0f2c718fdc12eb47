"""Search through Mastodon.py: accounts, hashtags and statuses, local and resolved from another
instance, with Mastodon's rules for anonymous callers, visibility, pagination and scopes."""

import pytest
from mastodon import MastodonAPIError, MastodonUnauthorizedError

from redfed.services.accounts import profiles
from redfed.services.social import follows

from ..support import api


def _names(accounts) -> list[str]:
    return [a["acct"] for a in accounts]


def test_search__finds_accounts_by_username_and_display_name_prefix_local_first(instance, start_instance):
    other = start_instance("other")
    other.create_user("alina")
    for name in ("alice", "alicia", "bob"):
        instance.create_user(name)
    instance.run(profiles.update_profile(instance.ctx, instance.actor("bob"), display_name="Alfred Bob"))
    instance.resolve(other.url("/users/alina"))
    mastodon = api.client(instance, "bob")
    found = mastodon.search_v2("ALI", resolve=False, result_type="accounts")["accounts"]
    assert _names(found) == ["alice", "alicia", f"alina@{other.domain}"]
    assert _names(mastodon.search_v2("alfred", resolve=False)["accounts"]) == ["bob"]
    assert _names(mastodon.search_v2("bob", resolve=False)["accounts"]) == ["bob"]  # a word of the display name
    assert _names(mastodon.account_search("ali", limit=2)) == ["alice", "alicia"]
    assert _names(mastodon.account_search("alicia")) == ["alicia"]


def test_search__resolves_a_remote_account_by_its_handle(instance, start_instance):
    other = start_instance("other")
    other.create_user("bob")
    instance.create_user("alice")
    mastodon = api.client(instance, "alice")
    handle = f"bob@{other.domain}"
    assert mastodon.search_v2(handle, resolve=False)["accounts"] == []  # unknown until resolved
    found = mastodon.search_v2("@" + handle, resolve=True)["accounts"]
    assert _names(found) == [handle] and found[0]["url"] == other.url("/@bob")
    # Known now: found without resolving, by both account search endpoints.
    assert _names(mastodon.account_search(handle)) == [handle]
    assert _names(mastodon.search_v2("bo", resolve=False)["accounts"]) == [handle]


def test_search__resolves_post_and_account_urls_of_another_instance(instance, start_instance):
    other = start_instance("other")
    other.create_user("bob")
    instance.create_user("alice")
    remote = api.client(other, "bob").status_post("hello from the other side")
    mastodon = api.client(instance, "alice")
    assert mastodon.search_v2(remote["url"], resolve=False)["statuses"] == []
    found = mastodon.search_v2(remote["url"], resolve=True)
    assert [s["uri"] for s in found["statuses"]] == [remote["uri"]] and found["accounts"] == []
    assert "hello from the other side" in found["statuses"][0]["content"]
    # Stored now: its id finds it without a fetch; an account's URL names the account.
    assert [s["uri"] for s in mastodon.search_v2(remote["uri"], resolve=False)["statuses"]] == [remote["uri"]]
    assert _names(mastodon.search_v2(other.url("/users/bob"), resolve=True)["accounts"]) == [f"bob@{other.domain}"]
    assert mastodon.search_v2(other.url("/users/nobody"), resolve=True) == {"accounts": [], "statuses": [], "hashtags": []}


def test_search__hashtags_by_prefix_as_tag_entities(instance):
    instance.create_user("alice")
    mastodon = api.client(instance, "alice")
    mastodon.status_post("#Coffee time")
    mastodon.status_post("#coffee again and #coffeebreak")
    mastodon.status_post("#tea")
    mastodon.status_post("#coffeesecret", visibility="private")
    tags = mastodon.search_v2("#coff", resolve=False, result_type="hashtags")["hashtags"]
    assert [t["name"] for t in tags] == ["coffee", "coffeebreak"]
    assert tags[0]["url"] == instance.url("/tags/coffee")
    assert (tags[0]["history"][0]["uses"], tags[0]["history"][0]["accounts"]) == ("2", "1")
    assert [t["name"] for t in mastodon.search_v2("coffeebreak", resolve=False)["hashtags"]] == ["coffeebreak"]


def test_search__statuses_by_full_text_in_english_and_chinese(instance):
    instance.create_user("alice")
    mastodon = api.client(instance, "alice")
    english = mastodon.status_post("I drink <b>strong</b> coffee every morning")
    chinese = mastodon.status_post("我喜欢咖啡。今天天气很好")
    mixed = mastodon.status_post("Trying 北京 cafés, tea mostly")

    def found(query: str) -> list[str]:
        return [s["id"] for s in mastodon.search_v2(query, resolve=False, result_type="statuses")["statuses"]]

    assert found("coffee") == [english["id"]]
    assert found("COFFEE morning") == [english["id"]]
    assert found("strong") == [english["id"]]  # escaped markup typed by the author is text
    assert found("咖啡") == [chinese["id"]]
    assert found("天气") == [chinese["id"]]
    assert found("咖") == [chinese["id"]]
    assert found("北京 cafes") == [mixed["id"]]  # diacritics folded
    assert found("drink") == [english["id"]] and found("drin") == [english["id"]]  # prefix of a word
    assert found("咖啡 coffee") == []
    assert found('"every coffee"') == []
    assert found("OR") == [] and found('coffee" OR "tea') == []  # FTS5 syntax is only words


def test_search__statuses_only_those_the_searcher_may_find(instance):
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    alice, bob, carol = (api.client(instance, name) for name in ("alice", "bob", "carol"))
    public = bob.status_post("public espresso")
    secret = bob.status_post("followers espresso", visibility="private")
    direct = bob.status_post("@carol direct espresso", visibility="direct")

    def found(client) -> set[str]:
        return {s["id"] for s in client.search_v2("espresso", resolve=False)["statuses"]}

    assert found(alice) == {public["id"]}
    assert found(bob) == {public["id"], secret["id"], direct["id"]}  # one's own posts, all of them
    assert found(carol) == {public["id"], direct["id"]}  # it mentions carol
    instance.run(follows.follow(instance.ctx, instance.actor("alice"), instance.actor("bob")))
    assert found(alice) == {public["id"]}  # followers-only posts are not searchable by followers
    alice.status_favourite(secret["id"])
    assert found(alice) == {public["id"], secret["id"]}  # ... unless the searcher interacted with them
    carol.account_block(instance.actor("bob").id)
    assert found(carol) == set()


def test_search__anonymous_callers_get_accounts_and_hashtags_only(instance):
    instance.create_user("alice")
    api.client(instance, "alice").status_post("#alice writes about alice")
    anonymous = api.client(instance)
    results = anonymous.search_v2("alice", resolve=False)
    assert _names(results["accounts"]) == ["alice"]
    assert [t["name"] for t in results["hashtags"]] == ["alice"]
    assert results["statuses"] == []
    with pytest.raises(MastodonUnauthorizedError, match="resolve remote resources"):
        anonymous.search_v2("alice", resolve=True)
    with pytest.raises(MastodonUnauthorizedError, match="pagination"):
        anonymous.search_v2("alice", resolve=False, offset=1)
    with pytest.raises(MastodonUnauthorizedError):
        anonymous.account_search("alice")


def test_search__pages_statuses_by_offset_limit_and_max_id(instance):
    instance.create_user("alice")
    mastodon = api.client(instance, "alice")
    made = [mastodon.status_post(f"latte number {n}")["id"] for n in range(5)]

    def page(**options) -> list[str]:
        return [s["id"] for s in mastodon.search_v2("latte", resolve=False, result_type="statuses", **options)["statuses"]]

    assert page(limit=2) == made[::-1][:2]
    assert page(limit=2, offset=2) == made[::-1][2:4]
    assert page(limit=40, max_id=made[2]) == made[:2][::-1]
    assert page(min_id=made[2]) == made[3:][::-1]
    assert page(account_id=instance.actor("alice").id, limit=1) == [made[-1]]


def test_search__needs_the_read_search_scope_when_a_token_is_sent(instance):
    instance.create_user("alice")
    narrow = api.client(instance, "alice", scopes="read:accounts")
    with pytest.raises(MastodonAPIError, match="outside the authorized scopes") as raised:
        narrow.search_v2("alice", resolve=False)
    assert raised.value.args[1] == 403
    assert _names(narrow.account_search("alice")) == ["alice"]
    searching = api.client(instance, "alice", scopes="read:search")
    assert _names(searching.search_v2("alice", resolve=False)["accounts"]) == ["alice"]
    with pytest.raises(MastodonAPIError) as raised:
        searching.account_search("alice")
    assert raised.value.args[1] == 403


def test_search__a_blank_query_is_a_bad_request(instance):
    instance.create_user("alice")
    with pytest.raises(MastodonAPIError) as raised:
        api.client(instance, "alice").search_v2("  ", resolve=False)
    assert raised.value.args[1] == 400
