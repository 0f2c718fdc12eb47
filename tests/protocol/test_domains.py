"""Domain names for moderation: one canonical form, and which hosts a block covers."""

import pytest

from redfed.config import config_from_dict
from redfed.errors import Unprocessable
from redfed.federation.domain_policy import DomainPolicy
from redfed.models import DomainBlock
from redfed.protocol.domains import covers, normalise_domain, obfuscate


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Example.COM.", "example.com"), (" sub.example.com ", "sub.example.com"), ("bücher.example", "xn--bcher-kva.example"),
     ("127.0.0.1:8001", "127.0.0.1:8001"), ("host.example:0443", "host.example:443")],
)
def test_normalise_domain__one_canonical_form(typed, stored):
    assert normalise_domain(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", " ", "a b.example", "https://example.com", "example.com/path", "user@example.com", "-bad.example",
              "bad-.example", "a..b", "x" * 64 + ".example", "example.com:99999", "example.com:", "[::1]", "*.example"],
)
def test_normalise_domain__refuses_what_is_not_a_domain(typed):
    with pytest.raises(Unprocessable):
        normalise_domain(typed)


def test_covers__subdomains_on_any_port_but_not_lookalikes():
    assert covers("example.com", "example.com")
    assert covers("example.com", "sub.example.com")
    assert covers("example.com", "a.b.example.com:8443")
    assert not covers("example.com", "notexample.com")
    assert not covers("example.com", "example.com.evil")
    assert covers("127.0.0.1:8001", "127.0.0.1:8001")
    assert not covers("127.0.0.1:8001", "127.0.0.1:8002")
    assert not covers("0.0.1", "127.0.0.1:8001")  # an address has no parent domains


def test_domain_policy__the_most_specific_block_wins_and_the_config_always_suspends():
    config = config_from_dict({"federation": {"blocked_domains": ["Bad.Example"]}})
    policy = DomainPolicy(config, [
        DomainBlock(1, "example.com", "silence", "", "", False, 1, 1),
        DomainBlock(2, "worse.example.com", "suspend", "", "", False, 2, 2),
    ])
    assert policy.severity("https://www.example.com/users/a") == "silence"
    assert policy.severity("https://x.worse.example.com/inbox") == "suspend"
    assert policy.is_suspended("https://deep.bad.example:8443/actor")
    assert policy.severity("https://example.org/") is None
    policy.replace([])
    assert policy.severity("https://www.example.com/users/a") is None


def test_obfuscate__keeps_the_length_and_hides_most_letters():
    hidden = obfuscate("noisy.example")
    assert len(hidden) == len("noisy.example") and hidden != "noisy.example" and "*" in hidden
