"""Home's two routes (a walk down the newest posts, and a seek per followed account) give the
same pages, however the posts are spread among the accounts."""

import pytest

from redfed.services.social import follows, posts
from redfed.store.social import timelines
from redfed.store.social.timelines import IdRange


@pytest.fixture
def busy(instance):
    """alice follows bob and carol; dave, not followed, posts the most."""
    for name in ("alice", "bob", "carol", "dave"):
        instance.create_user(name)
    alice = instance.actor("alice")
    for name in ("bob", "carol"):
        instance.run(follows.follow(instance.ctx, alice, instance.actor(name)))
    for n in range(30):
        author = ("dave", "dave", "bob", "dave", "carol")[n % 5]
        instance.run(posts.create_local_post(instance.ctx, instance.actor(author), f"post {n}"))
    instance.run(posts.create_local_post(instance.ctx, instance.actor("dave"), "@alice hello", visibility="direct"))
    return instance


def _pages(instance, walk: int) -> list[list[int]]:
    timelines.HOME_WALK = walk
    viewer, pages, max_id = instance.actor("alice"), [], None
    try:
        while True:
            page = instance.run(timelines.home(instance.runtime.db.reader, viewer.id, 5, page=IdRange(max_id=max_id, limit=5)))
            if not page:
                return pages
            pages.append([p.id for p in page])
            max_id = page[-1].id
    finally:
        timelines.HOME_WALK = 5_000


def test_home__the_walk_and_the_seeks_agree(busy):
    by_walk = _pages(busy, walk=5_000)
    by_seeks = _pages(busy, walk=1)  # the walk never fills a page, so every page is sought
    assert by_walk == by_seeks
    assert sum(len(p) for p in by_walk) == 13  # 6 of bob's, 6 of carol's, and dave's direct mention
