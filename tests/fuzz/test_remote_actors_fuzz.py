"""Remote actors: whatever a remote server says about its own actor (names, links, dates, fields,
images) is refused, or stored so that the account renders; nothing crashes the inbox or its
worker. Each example is a fresh actor whose document the hostile remote serves; it signs a
Follow of alice with its real key, so the instance fetches and ingests that document."""

import itertools
import json

from ..support.hostile import SigningKey, rsa_pair, sign_post
from ..support.http import get
from .activities import ACTOR, actor_documents
from .budget import fuzz, time_limit
from .oracle import check, check_still_answering
from .values import encode

pytestmark = time_limit

_serial = itertools.count(1)


def _at(document: dict, uri: str) -> dict:
    """`document` with the actor placeholder replaced by `uri`."""
    return json.loads(json.dumps(document).replace(ACTOR, uri))


def test_odd_actor_documents__never_break_the_inbox_or_the_account(target):
    instance, remote = target.instance, target.remote
    private_pem, public_pem = rsa_pair("fuzzed remote actors")
    accounts = []

    def follow_as(document):
        name = f"fuzzed{next(_serial)}"
        uri = remote.url(f"/users/{name}")
        document = _at(document, uri)
        remote.serve(f"/users/{name}", document)
        follow = {"id": f"{uri}/follows/1", "type": "Follow", "actor": uri, "object": target.world().local_actor}
        reply = sign_post(instance.url("/users/alice/inbox"), encode(follow), SigningKey(f"{uri}#main-key", private_pem),
                          instance.clock()).send()
        instance.drain()
        check(target.log, f"Follow from an actor whose document is {str(document)[:400]}", reply)
        lookup = get(instance.url(f"/api/v1/accounts/lookup?acct={name}@{remote.domain}"))
        check(target.log, f"the account of {str(document)[:400]}", lookup)
        if lookup.status == 200:
            accounts.append(lookup.json()["id"])

    corpus = ({"@context": "https://www.w3.org/ns/activitystreams", "id": "//1", "type": "Person",
               "inbox": f"{ACTOR}/inbox", "publicKey": {"id": f"{ACTOR}#main-key", "owner": ACTOR,
                                                        "publicKeyPem": public_pem}},)  # issue 25 cause 20
    try:
        fuzz("remote actors", actor_documents(target.world(), public_pem), follow_as, examples=40, corpus=corpus)
    finally:
        ids = "&".join(f"id[]={account}" for account in accounts[-20:])
        check_still_answering(target.log, instance.base_url, target.after_paths() + [
            f"/api/v1/accounts/{account}" for account in accounts[-20:]
        ] + ["/api/v1/follow_requests", f"/api/v1/accounts/relationships?{ids}", "/api/v1/notifications"],
            headers=target.auth)
