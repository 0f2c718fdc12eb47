"""update_credentials: any profile edit an app sends (form, JSON or multipart, profile fields in
any shape, avatars that are not images) is answered 2xx or 4xx, and the account still renders."""

from hypothesis import strategies as st

from ..support.http import request
from . import values as v
from .bodies import bodies
from .budget import fuzz, time_limit
from .images import CONTENT_TYPES, images
from .oracle import check, check_still_answering

FLAG = v.maybe_odd(st.sampled_from(["true", "false", "1", "0"]))

pytestmark = time_limit


def _field() -> st.SearchStrategy:
    return v.maybe_odd(st.fixed_dictionaries({"name": v.text(), "value": v.text()}))


def profile_fields() -> dict[str, st.SearchStrategy]:
    fields = {
        "display_name": v.text(), "note": v.text(), "locked": FLAG, "bot": FLAG, "discoverable": FLAG,
        "fields_attributes": v.maybe_odd(st.lists(_field(), max_size=5),
                                         st.dictionaries(v.ids(), _field(), max_size=5)),
        "source[privacy]": v.maybe_odd(st.sampled_from(["public", "unlisted", "private"]), v.text()),
        "source[sensitive]": FLAG, "source[language]": v.maybe_odd(st.just("en"), v.text()),
        "source": v.maybe_odd(st.fixed_dictionaries({}, optional={"privacy": v.text(), "language": v.anything(),
                                                                  "sensitive": v.anything()})),
    }
    for index in range(5):
        for part in ("name", "value"):
            fields[f"fields_attributes[{index}][{part}]"] = v.text()
    return fields


def avatars() -> st.SearchStrategy[list]:
    upload = st.tuples(st.sampled_from(["avatar", "header"]), images(), st.sampled_from(CONTENT_TYPES))
    return st.lists(upload, max_size=2)


# Profile edits that broke redfed before (issue 25 causes 13, 14, 15, 18 and 19).
CORPUS = (
    ("application/x-www-form-urlencoded", b"fields_attributes[0][name]=a&fields_attributes[0][name]=b"),
    ("application/x-www-form-urlencoded", b"source[language]=en&source[language]=fr"),
    ("application/json", b'{"source[language]": 1}'),
    ("application/json", b'{"fields_attributes": [{"name": "a", "value": ["x", "y"]}]}'),
    ("application/json", b'{"fields_attributes": [{"name": "\\ud800", "value": "x"}]}'),
)


def test_odd_profile_edits__never_a_server_error(target):
    instance = target.instance

    def send(example):
        content_type, body = example
        reply = request("PATCH", instance.url("/api/v1/accounts/update_credentials"), body=body,
                        headers={**target.auth, "Content-Type": content_type}, timeout=30)
        check(target.log, f"PATCH update_credentials {content_type} {body[:300]!r}", reply)

    try:
        fuzz("update_credentials", bodies(profile_fields(), avatars()), send, examples=80, corpus=CORPUS)
    finally:
        check_still_answering(target.log, instance.base_url, target.after_paths(), headers=target.auth)
