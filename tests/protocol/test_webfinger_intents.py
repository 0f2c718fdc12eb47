"""FEP-3b86 intents and the OStatus subscribe template in a JRD: which link is chosen, and how its
template is filled."""

from redfed.protocol.webfinger import build_jrd, expand_template, interaction_template

SUBSCRIBE = "http://ostatus.org/schema/1.0/subscribe"
INTENT = "https://w3id.org/fep/3b86/"


def _jrd(*links: dict) -> dict:
    return {"subject": "acct:carol@remote.example", "links": list(links)}


def test_the_first_wanted_intent_wins_over_later_ones_and_the_subscribe_template():
    jrd = _jrd(
        {"rel": SUBSCRIBE, "template": "https://remote.example/authorize_interaction?uri={uri}"},
        {"rel": INTENT + "Object", "template": "https://remote.example/object?id={object}"},
        {"rel": INTENT + "Follow", "template": "https://remote.example/follow?id={object}"},
    )
    assert interaction_template(jrd, ("Follow", "Object")) == ("https://remote.example/follow?id={object}", "object")
    assert interaction_template(jrd, ("Like", "Object")) == ("https://remote.example/object?id={object}", "object")


def test_without_intents__the_subscribe_template_with_its_uri_parameter():
    jrd = _jrd({"rel": SUBSCRIBE, "template": "https://remote.example/authorize_interaction?uri={uri}"})
    assert interaction_template(jrd, ("Follow",)) == ("https://remote.example/authorize_interaction?uri={uri}", "uri")


def test_links_that_are_not_usable__give_nothing():
    assert interaction_template(_jrd(), ("Follow",)) is None
    assert interaction_template({"links": "nonsense"}, ("Follow",)) is None
    assert interaction_template({}, ("Follow",)) is None
    broken = _jrd("a string", {"rel": SUBSCRIBE}, {"rel": SUBSCRIBE, "href": "https://x.example/"},
                  {"rel": INTENT + "Follow", "template": ["not", "a", "string"]}, {"template": "https://x.example/{uri}"})
    assert interaction_template(broken, ("Follow",)) is None


def test_expand__percent_encodes_the_value_and_empties_unknown_variables():
    uri = "https://our.example/users/bob?x=1&y=#z"
    url = expand_template("https://remote.example/i?id={object}&next={on-success}&u={uri}", "object", uri)
    assert url == "https://remote.example/i?id=https%3A%2F%2Four.example%2Fusers%2Fbob%3Fx%3D1%26y%3D%23z&next=&u="


def test_our_jrd__lists_the_subscribe_template_and_each_intent():
    jrd = build_jrd("acct:alice@our.example", "https://our.example/users/alice", "https://our.example/@alice",
                    "https://our.example/authorize_interaction?uri={uri}",
                    {"Follow": "https://our.example/authorize_interaction?uri={object}"})
    rels = [link["rel"] for link in jrd["links"]]
    assert rels == ["http://webfinger.net/rel/profile-page", "self", SUBSCRIBE, INTENT + "Follow"]
    assert interaction_template(jrd, ("Follow",)) == ("https://our.example/authorize_interaction?uri={object}", "object")
