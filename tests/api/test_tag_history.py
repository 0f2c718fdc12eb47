"""A hashtag's history through Mastodon.py: for each of the last seven days, today first, how many
public and unlisted posts used it and how many distinct accounts wrote them (as strings)."""

from ..support import api

DAY = 86_400


def _days(entity: dict) -> list[tuple[str, str]]:
    return [(day["uses"], day["accounts"]) for day in entity["history"]]


def test_history__counts_posts_and_distinct_accounts_per_day(instance, clock):
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    alice, bob, carol = (api.client(instance, name) for name in ("alice", "bob", "carol"))
    alice.status_post("#Picnic one")
    alice.status_post("#picnic two, same account")
    bob.status_post("#picnic #rye", visibility="unlisted")
    carol.status_post("#picnic only for followers", visibility="private")  # not counted
    carol.status_post("#picnic to nobody", visibility="direct")  # not counted

    tag = alice.tag("picnic")
    assert len(tag["history"]) == 7
    assert _days(tag) == [("3", "2")] + [("0", "0")] * 6
    days = [int(d["day"].timestamp()) for d in tag["history"]]  # Mastodon.py reads the day as a time
    assert days[0] % DAY == 0 and days == [days[0] - i * DAY for i in range(7)]

    clock.advance(DAY)
    carol.status_post("a day later #picnic")
    assert _days(alice.tag("picnic"))[:3] == [("1", "1"), ("3", "2"), ("0", "0")]
    clock.advance(7 * DAY)
    assert _days(alice.tag("picnic")) == [("0", "0")] * 7  # older days fall out of the week


def test_history__is_on_every_tag_entity(instance):
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    alice.status_post("#sourdough")
    followed = alice.tag_follow("sourdough")
    assert _days(followed)[0] == ("1", "1") and followed["following"] is True
    assert _days(alice.followed_tags()[0])[0] == ("1", "1")
    found = alice.search_v2("#sourdough", result_type="hashtags")["hashtags"]
    assert [t["name"] for t in found] == ["sourdough"] and _days(found[0])[0] == ("1", "1")
    edited = alice.status_post("#rye")
    alice.status_update(edited["id"], "#rye, edited")  # an edit is not a second use
    assert _days(alice.tag("rye"))[0] == ("1", "1")
