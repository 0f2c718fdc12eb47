"""The one strict reading of URLs in remote documents: whatever it accepts, nothing downstream
(urlsplit, yarl, the socket's IDNA codec, origin comparisons) can choke on; whatever it refuses is
None, never an exception."""

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redfed.errors import BadRequest
from redfed.protocol import as2
from redfed.protocol.http_urls import MAX_HOST, MAX_URL, http_url, parse_http_url, same_origin, url_domain

LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", fullmatch=True)
HOST = st.lists(LABEL, min_size=1, max_size=4).map(".".join).filter(lambda h: len(h) <= MAX_HOST)
PATH = st.from_regex(r"(/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,20}){0,4}", fullmatch=True)
# Pieces strangers put in URLs: brackets, percent signs, controls, surrogates, IDN and NFKC traps.
ODD = st.sampled_from(["[", "]", "%", "\x00", "\x01", "\x7f", "\x85", " ", "\ud800", "℀", "ß", "☃", "xn--", "..",
                       ":", "@", "\\", "#", "?", "//", "a" * 64, "0x7f", "::1"])
URL_LIKE = st.lists(st.one_of(st.sampled_from(["http://", "https://", "HTTP://", "//", "ftp://"]), ODD, HOST, PATH,
                              st.text(max_size=10)), max_size=8).map("".join)


def _downstream_accepts(value: str) -> None:
    """What used to raise on a stranger's URL (issue 25, causes 1, 2 and 20)."""
    url = parse_http_url(value)
    urlsplit(value).hostname  # cause 1: "Invalid IPv6 URL"
    url.origin()  # cause 20: "URL should have scheme"
    url.host  # yarl's IDNA decoding
    if ":" not in url.raw_host:
        url.raw_host.encode("idna")  # cause 2: what the resolver does with the host
    as2.origin(value)
    assert url_domain(value) is not None and same_origin(value, value)


@given(st.one_of(st.text(max_size=300), URL_LIKE))
def test_any_text__is_a_url_downstream_accepts_or_none(value):
    if parse_http_url(value) is None:
        assert http_url(value) is None
        with pytest.raises(BadRequest):
            as2.origin(value)
    else:
        assert http_url(value) == value  # kept as the remote wrote it
        _downstream_accepts(value)


@given(st.sampled_from(["http", "https"]), HOST, st.none() | st.integers(1, 65535), PATH)
def test_well_formed_urls__are_accepted_as_written(scheme, host, port, path):
    value = f"{scheme}://{host}{f':{port}' if port else ''}{path}"
    if host.rpartition(".")[2].isdigit():
        assert parse_http_url(value) is None  # `127.1`: an address to some resolvers, a name to none
        return
    assert http_url(value) == value
    _downstream_accepts(value)


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=20))
def test_international_names__are_accepted_when_idna_maps_them(name):
    value = f"https://{name}.example/@someone"
    if parse_http_url(value) is not None:
        _downstream_accepts(value)


@pytest.mark.parametrize("value", [
    "http://[",  # cause 1
    f"http://{'a' * 64}.example/",  # cause 2: a label past 63 characters
    "http://quote\x01d.example/",  # cause 2: yarl would drop the control character
    "http://xn--a.example/",  # not punycode
    "//1",  # cause 20: no scheme
    "http://x℀/",  # invalid under NFKC
    "http://[::1%25eth0]/",  # an IPv6 zone
    "http://127.1/",
    "http://a..b/",
    "http://example.com:0/",
    "http://example.com:65536/",
    "https://user:secret@example.com/",
    "javascript:alert(1)",
    "https://example.com/a b",
    "https://example.com/\ud800",
    "https://" + "a" * MAX_URL,
    42,
    None,
])
def test_refused(value):
    assert parse_http_url(value) is None


@pytest.mark.parametrize(("value", "domain"), [
    ("https://Example.COM./users/a", "example.com"),
    ("https://bücher.example/users/a", "xn--bcher-kva.example"),
    ("http://[2001:db8::1]:8080/users/a", "[2001:db8::1]:8080"),
    ("http://192.0.2.1:80/users/a", "192.0.2.1"),
    ("https://under_score.example/x?y#z", "under_score.example"),
])
def test_accepted(value, domain):
    assert http_url(value) == value and url_domain(value) == domain
