"""Failures the fuzzer found outside issue 25's list, fixed on this branch: one regression test each."""

from ..support.http import get


def test_link_header__does_not_echo_an_oversized_parameter_or_path(target):
    """Found by test_public_gets_fuzz: `?local=` with 10,000 characters came back twice in `Link`."""
    huge = "x" * 10_000
    for path in (f"/api/v1/timelines/tag/fuzz?local={huge}", f"/api/v1/timelines/public?only_media={huge}",
                 f"/api/v1/timelines/tag/{'y' * 2_000}"):
        reply = get(target.instance.url(path), headers=target.auth)
        assert reply.status < 500
        assert len(reply.headers.get("Link", "")) < 2_000, path

    # Ordinary filters still carry over to the next page.
    reply = get(target.instance.url("/api/v1/timelines/tag/fuzz?local=true&limit=1"), headers=target.auth)
    assert "local=true" in reply.headers["Link"] and "max_id=" in reply.headers["Link"]
