"""Media uploads: any file an app uploads as a photo (broken, cut short, lying about its size or
type) is stored or refused with a 4xx, never a 5xx; odd descriptions and focal points too."""

from hypothesis import strategies as st

from ..support.http import request
from . import values as v
from .bodies import multipart
from .budget import fuzz, time_limit
from .images import CONTENT_TYPES, images
from .oracle import check, check_still_answering

MEDIA_FIELDS = {"description": v.text(), "focus": v.maybe_odd(st.just("0.5,-0.5"), v.text())}

pytestmark = time_limit


# GIFs that broke redfed before (issue 25 causes 16 and 17, as the fuzzer shrank them).
BROKEN_GIFS = (b"GIF87a" + b"\x00" * 7 + b",\x00\x00\x00\x00\x00\x01\x00\x01\x00\x00\x00," + b"\x00" * 8,
               b"GIF87a" + b"\x00" * 7 + b",\x00\x00\x00\x00\x00\x01\x00\x01\x00\x00\x00,")
CORPUS = tuple(("/api/v1/media", multipart([], [("file", gif, "image/gif")]), []) for gif in BROKEN_GIFS)


def uploads() -> st.SearchStrategy:
    """(route, multipart body with a file, fields to set afterwards with PUT)."""
    fields = st.lists(st.sampled_from(sorted(MEDIA_FIELDS)).flatmap(
        lambda name: st.tuples(st.just(name), MEDIA_FIELDS[name])), max_size=2)
    files = st.lists(st.tuples(st.sampled_from(["file", "file", "thumbnail"]), images(),
                               st.sampled_from(CONTENT_TYPES)), min_size=1, max_size=2)
    return st.tuples(st.sampled_from(["/api/v1/media", "/api/v2/media"]), st.builds(multipart, fields, files), fields)


def test_broken_images__never_a_server_error(target):
    instance = target.instance

    def upload(example):
        path, (content_type, body), later = example
        headers = {**target.auth, "Content-Type": content_type}
        reply = request("POST", instance.url(path), body=body, headers=headers, timeout=30)
        check(target.log, f"POST {path} {body[:300]!r}", reply)
        if reply.status in (200, 202):
            media = f"/api/v1/media/{reply.json()['id']}"
            edit_type, edit = multipart(later, [])
            edited = request("PUT", instance.url(media), body=edit, headers={**target.auth, "Content-Type": edit_type})
            check(target.log, f"PUT {media} {edit[:300]!r}", edited, request("GET", instance.url(media), headers=target.auth))

    try:
        fuzz("media", uploads(), upload, examples=60, corpus=CORPUS)
    finally:
        check_still_answering(target.log, instance.base_url, target.after_paths(), headers=target.auth)
