"""Filters v2 through Mastodon.py, and filter_results, which timelines and notifications apply."""

import json

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from redfed.services import views
from redfed.services.social import filters, interactions, posts

from ..support import api
from ..support.http import request


def _call(instance, username: str, method: str, path: str, body: dict | None = None):
    headers = {"Authorization": f"Bearer {api.token_for(instance, username)}", "Content-Type": "application/json"}
    return request(method, instance.url(path), headers=headers, body=json.dumps(body).encode() if body is not None else None)


def test_filters__create_read_update_delete(instance):
    instance.create_user("alice")
    client = api.client(instance, "alice")
    made = client.create_filter_v2(
        "Spoilers", ["home", "notifications"], "warn", expires_in=3600,
        keywords_attributes=[{"keyword": "ending", "whole_word": True}, {"keyword": "plot", "whole_word": False}],
    )
    assert made["title"] == "Spoilers" and made["context"] == ["home", "notifications"]
    assert made["filter_action"] == "warn" and made["expires_at"] is not None and made["statuses"] == []
    assert [(k["keyword"], k["whole_word"]) for k in made["keywords"]] == [("ending", True), ("plot", False)]
    assert [f["id"] for f in client.filters_v2()] == [made["id"]]
    ending, plot = made["keywords"]
    updated = client.update_filter_v2(
        made["id"], title="Plot twists", context=["public", "thread"], filter_action="hide",
        keywords_attributes=[{"id": ending["id"], "keyword": "finale"}, {"id": plot["id"], "_destroy": True}, {"keyword": "twist"}],
    )
    assert (updated["title"], updated["context"], updated["filter_action"]) == ("Plot twists", ["public", "thread"], "hide")
    assert [(k["keyword"], k["whole_word"]) for k in updated["keywords"]] == [("finale", True), ("twist", True)]
    assert updated["expires_at"] == made["expires_at"]  # expires_in left out: unchanged
    assert client.filter_v2(made["id"])["title"] == "Plot twists"
    cleared = _call(instance, "alice", "PUT", f"/api/v2/filters/{made['id']}", {"expires_in": ""}).json()
    assert cleared["expires_at"] is None
    client.delete_filter_v2(made["id"])
    with pytest.raises(MastodonNotFoundError, match="Record not found"):
        client.filter_v2(made["id"])


def test_filters__validate_their_fields(instance):
    instance.create_user("alice")
    client = api.client(instance, "alice")
    for title, context, action in (("", ["home"], "warn"), ("t", ["everywhere"], "warn"), ("t", [], "warn"), ("t", ["home"], "shout")):
        with pytest.raises(MastodonAPIError) as refused:
            client.create_filter_v2(title, context, action)
        assert refused.value.args[1] == 422 and refused.value.args[3].startswith("Validation failed: ")
    with pytest.raises(MastodonAPIError) as refused:
        client.create_filter_v2("t", ["home"], "warn", keywords_attributes=[{"keyword": " "}])
    assert refused.value.args[1] == 422
    assert client.filters_v2() == []


def test_keywords__listed_added_edited_and_removed(instance):
    instance.create_user("alice")
    client = api.client(instance, "alice")
    made = client.create_filter_v2("Food", ["home"], "warn")
    added = client.add_filter_keyword_v2(made["id"], "rye", whole_word=True)
    assert (added["keyword"], added["whole_word"]) == ("rye", True)
    assert [k["keyword"] for k in client.filter_keywords_v2(made["id"])] == ["rye"]
    shown = _call(instance, "alice", "GET", f"/api/v2/filters/keywords/{added['id']}").json()
    assert shown == {"id": added["id"], "keyword": "rye", "whole_word": True}
    edited = _call(instance, "alice", "PUT", f"/api/v2/filters/keywords/{added['id']}", {"keyword": "spelt", "whole_word": False})
    assert edited.json() == {"id": added["id"], "keyword": "spelt", "whole_word": False}
    client.delete_filter_keyword_v2(added["id"])
    assert client.filter_keywords_v2(made["id"]) == []


def test_statuses__added_once_and_only_when_visible(instance):
    bob = instance.create_user("bob").actor
    instance.create_user("alice")
    instance.create_user("carol")
    public = instance.run(posts.create_local_post(instance.ctx, bob, "public bread"))
    secret = instance.run(posts.create_local_post(instance.ctx, bob, "@carol between us", visibility="direct"))
    client = api.client(instance, "alice")
    made = client.create_filter_v2("Bob's", ["home"], "hide")
    added = client.add_filter_status_v2(made["id"], public.id)
    assert added["status_id"] == str(public.id)
    assert [s["id"] for s in client.filter_statuses_v2(made["id"])] == [added["id"]]
    assert client.filter_status_v2(added["id"])["status_id"] == str(public.id)
    with pytest.raises(MastodonAPIError) as refused:
        client.add_filter_status_v2(made["id"], public.id)
    assert refused.value.args[1] == 422
    with pytest.raises(MastodonNotFoundError):
        client.add_filter_status_v2(made["id"], secret.id)
    client.delete_filter_status_v2(added["id"])
    assert client.filter_statuses_v2(made["id"]) == []


def test_others_filters__are_not_found_and_scopes_are_checked(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    post = instance.run(posts.create_local_post(instance.ctx, instance.actor("alice"), "hello"))
    client = api.client(instance, "alice")
    made = client.create_filter_v2("Mine", ["home"], "warn", keywords_attributes=[{"keyword": "x"}])
    status = client.add_filter_status_v2(made["id"], post.id)
    intruder = api.client(instance, "bob")
    for attempt in (
        lambda: intruder.filter_v2(made["id"]),
        lambda: intruder.update_filter_v2(made["id"], title="Taken"),
        lambda: intruder.delete_filter_v2(made["id"]),
        lambda: intruder.add_filter_keyword_v2(made["id"], "y"),
        lambda: intruder.delete_filter_keyword_v2(made["keywords"][0]["id"]),
        lambda: intruder.filter_status_v2(status["id"]),
        lambda: intruder.delete_filter_status_v2(status["id"]),
    ):
        with pytest.raises(MastodonNotFoundError, match="Record not found"):
            attempt()
    assert _call(instance, "bob", "GET", f"/api/v2/filters/{made['id']}/keywords").status == 404
    assert intruder.filters_v2() == []
    with pytest.raises(MastodonAPIError) as refused:
        api.client(instance, "alice", scopes="read:filters").create_filter_v2("t", ["home"], "warn")
    assert refused.value.args[1] == 403
    assert len(api.client(instance, "alice", scopes="read:filters").filters_v2()) == 1


def test_filter_results__match_keywords_statuses_and_context(instance, clock):
    alice, bob = instance.create_user("alice").actor, instance.create_user("bob").actor
    ctx = instance.ctx
    made = [
        instance.run(posts.create_local_post(ctx, bob, "Fresh SOURDOUGH today")),  # 0
        instance.run(posts.create_local_post(ctx, bob, "dough rising")),  # 1
        instance.run(posts.create_local_post(ctx, bob, "look inside", summary="the big secret")),  # 2
        instance.run(posts.create_local_post(ctx, bob, "nothing to see")),  # 3
        instance.run(posts.create_local_post(ctx, bob, "#baking all day")),  # 4
    ]
    boost = instance.run(interactions.boost(ctx, bob, made[1]))
    client = api.client(instance, "alice")
    client.create_filter_v2("whole", ["home"], "warn", keywords_attributes=[{"keyword": "dough", "whole_word": True}])
    client.create_filter_v2("part", ["home"], "hide", keywords_attributes=[{"keyword": "sourdough", "whole_word": False}])
    client.create_filter_v2("spoiler", ["home", "public"], "blur", keywords_attributes=[{"keyword": "SECRET"}])
    client.create_filter_v2("tag", ["home"], "warn", keywords_attributes=[{"keyword": "#baking", "whole_word": True}])
    client.create_filter_v2("elsewhere", ["thread"], "hide", keywords_attributes=[{"keyword": "nothing"}])
    by_status = client.create_filter_v2("by status", ["home"], "warn")
    client.add_filter_status_v2(by_status["id"], made[3].id)
    client.create_filter_v2("expiring", ["home"], "hide", expires_in=60, keywords_attributes=[{"keyword": "see"}])
    clock.advance(61)

    async def apply(context):
        found = await views.status_views(instance.runtime.db, [*made, boost], alice)
        return await filters.filter_results(instance.runtime.db, alice.id, context, found, now=int(clock() * 1000))

    results = instance.run(apply("home"))
    titles = {post_id: [r["filter"]["title"] for r in found] for post_id, found in results.items()}
    assert titles[made[0].id] == ["part"]  # "dough" is not a whole word of "SOURDOUGH"
    assert titles[made[1].id] == ["whole"] and titles[boost.id] == ["whole"]  # a boost is matched on what it boosts
    assert titles[made[2].id] == ["spoiler"]  # the content warning counts, in any case
    assert titles[made[3].id] == ["by status"]  # the expired "expiring" filter no longer applies
    assert titles[made[4].id] == ["tag"]
    assert results[made[3].id][0]["status_matches"] == [str(made[3].id)] and results[made[3].id][0]["keyword_matches"] is None
    first = results[made[0].id][0]
    assert first["keyword_matches"] == ["sourdough"] and first["status_matches"] is None
    assert set(first["filter"]) == {"id", "title", "context", "expires_at", "filter_action"}
    assert filters.hides(results[made[0].id]) and not filters.hides(results[made[1].id])
    assert set(instance.run(apply("public"))) == {made[2].id}
    assert instance.run(apply("account")) == {}
