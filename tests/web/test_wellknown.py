"""Discovery over real HTTP: WebFinger, host-meta and NodeInfo as Mastodon serves them."""

import pytest

from redfed.services.accounts import accounts
from redfed.services.social import posts

from ..support.http import get


def test_webfinger__finds_a_user_by_acct_with_host_and_port(instance):
    instance.create_user("alice")
    reply = get(instance.url(f"/.well-known/webfinger?resource=acct:alice@{instance.domain}"))
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/jrd+json")
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    jrd = reply.json()
    actor_uri = instance.url("/users/alice")
    assert jrd["subject"] == f"acct:alice@{instance.domain}"
    assert actor_uri in jrd["aliases"]
    links = {link["rel"]: link for link in jrd["links"]}
    assert links["self"] == {"rel": "self", "type": "application/activity+json", "href": actor_uri}
    assert links["http://webfinger.net/rel/profile-page"]["href"] == instance.url("/@alice")
    assert "{uri}" in links["http://ostatus.org/schema/1.0/subscribe"]["template"]


@pytest.mark.parametrize("resource", ["acct:ALICE@{domain}", "alice@{domain}", "{base}/users/alice", "{base}/@alice"])
def test_webfinger__accepts_the_other_forms_of_the_same_resource(instance, resource):
    instance.create_user("alice")
    query = resource.format(domain=instance.domain, base=instance.base_url)
    reply = get(instance.url(f"/.well-known/webfinger?resource={query}"))
    assert reply.status == 200
    assert reply.json()["subject"] == f"acct:alice@{instance.domain}"


def test_webfinger__finds_the_instance_actor(instance):
    reply = get(instance.url(f"/.well-known/webfinger?resource=acct:{instance.domain}@{instance.domain}"))
    assert reply.status == 200
    assert {"rel": "self", "type": "application/activity+json", "href": instance.url("/actor")} in reply.json()["links"]


@pytest.mark.parametrize(
    "query, status, error",
    [
        ("resource=acct:nobody@{domain}", 404, "no such account on this server"),
        ("resource=acct:alice@other.example", 404, "no such account on this server"),
        ("resource=https://other.example/users/alice", 404, "no such account on this server"),
        ("", 400, "the resource parameter is required"),
        ("resource=acct:alice", 400, "resource must be acct:user@domain or an actor URL"),
        ("resource=acct:@{domain}", 400, "resource must be acct:user@domain or an actor URL"),
        ("resource=acct:alice@evil.example/@{domain}", 400, "resource must be acct:user@domain or an actor URL"),
    ],
)
def test_webfinger__answers_unknown_and_malformed_resources_with_an_error(instance, query, status, error):
    instance.create_user("alice")
    reply = get(instance.url("/.well-known/webfinger?" + query.format(domain=instance.domain)))
    assert (reply.status, reply.json()) == (status, {"error": error})


def test_host_meta__points_at_webfinger_in_xml_and_json(instance):
    template = instance.url("/.well-known/webfinger?resource={uri}")
    xml = get(instance.url("/.well-known/host-meta"))
    assert xml.headers["Content-Type"].startswith("application/xrd+xml")
    assert f'<Link rel="lrdd" template="{template}"/>' in xml.text
    for reply in (get(instance.url("/.well-known/host-meta.json")),
                  get(instance.url("/.well-known/host-meta"), {"Accept": "application/json"})):
        assert reply.json() == {"links": [{"rel": "lrdd", "template": template}]}


def test_nodeinfo__links_both_schema_versions(instance):
    links = get(instance.url("/.well-known/nodeinfo")).json()["links"]
    assert [link["href"] for link in links] == [instance.url("/nodeinfo/2.0"), instance.url("/nodeinfo/2.1")]
    assert links[1]["rel"] == "http://nodeinfo.diaspora.software/ns/schema/2.1"


@pytest.mark.parametrize("version", ["2.0", "2.1"])
def test_nodeinfo__counts_enabled_users(instance, version):
    instance.create_user("alice")
    instance.create_user("bob")
    instance.create_user("carol")
    instance.run(_disable(instance, "carol"))
    for text in ("one", "two"):
        instance.run(posts.create_local_post(instance.ctx, instance.actor("alice"), text))
    reply = get(instance.url(f"/nodeinfo/{version}"))
    assert reply.headers["Content-Type"].startswith("application/json; profile=")
    doc = reply.json()
    assert doc["version"] == version
    assert doc["software"]["name"] == "redfed"
    assert doc["protocols"] == ["activitypub"]
    assert doc["usage"]["users"] == {"total": 2, "activeMonth": 2, "activeHalfyear": 2}
    assert doc["usage"]["localPosts"] == 2
    assert doc["metadata"]["nodeName"] == instance.config.instance.name
    # What megalodon's detector() reads when it does not know the software's name.
    assert doc["metadata"]["upstream"]["name"] == "mastodon"


async def _disable(instance, username):
    await accounts.set_user_disabled(instance.runtime.db, username, True)


def test_nodeinfo__unknown_version_is_404(instance):
    assert get(instance.url("/nodeinfo/3.0")).status == 404
