"""HTTP signatures, both styles (redfed.protocol.signatures).

Published vectors first, then round trips, then every refusal with the reason the sender sees.
Signatures are computed for real; nothing here mocks the verifier.
"""

import base64
import re
from email.utils import formatdate

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from redfed.errors import SignatureError
from redfed.protocol import keys
from redfed.protocol.signatures import (
    SigningKey,
    VerifiedSignature,
    body_digest,
    sign_request,
    sign_request_rfc9421,
    signature_key_id,
    signature_style,
    verify_request,
)

# ---- published vectors -------------------------------------------------------------------------

# draft-cavage-http-signatures-10, Appendix C (the same key, request and signatures appear in
# -11 and -12): the RSA test key "Test" and the example request.
CAVAGE_PUBLIC = """-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----
"""
CAVAGE_PRIVATE = """-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
"""
CAVAGE_URL = "http://example.com/foo?param=value&pet=dog"
CAVAGE_NOW = 1388957500  # Sun, 05 Jan 2014 21:31:40 GMT, the example's Date
CAVAGE_BODY = b'{"hello": "world"}'
CAVAGE_HEADERS = {
    "Host": "example.com",
    "Date": "Sun, 05 Jan 2014 21:31:40 GMT",
    "Content-Type": "application/json",
    "Digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
    "Content-Length": "18",
}
# Appendix C.2, "Basic Test".
CAVAGE_C2_SIGNATURE = (
    'keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",'
    'signature="qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3'
    'HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="'
)
# Appendix C.3, "All Headers Test", as in -10 (-12 lists (created) and (expires) in its headers
# parameter but prints the same signature, which covers neither).
CAVAGE_C3_SIGNATURE = (
    'keyId="Test",algorithm="rsa-sha256",'
    'headers="(request-target) host date content-type digest content-length",'
    'signature="vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52L'
    'aEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE="'
)

# RFC 9421 Appendix B.1.4 ("test-key-ed25519") and B.2.6 ("Signing a Request Using ed25519").
# B.2.6 is the only B.2 example with an algorithm redfed supports: B.2.1-B.2.3 use rsa-pss-sha512,
# B.2.4 ecdsa-p256-sha256 (and signs a response), B.2.5 hmac-sha256.
RFC9421_ED25519_PUBLIC = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
"""
RFC9421_URL = "https://example.com/foo?param=Value&Pet=dog"
RFC9421_NOW = 1618884473  # the example's created parameter
RFC9421_BODY = b'{"hello": "world"}'
RFC9421_B26_HEADERS = {
    "Host": "example.com",
    "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
    "Content-Type": "application/json",
    "Content-Digest": (
        "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
    ),
    "Content-Length": "18",
    "Signature-Input": (
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");'
        'created=1618884473;keyid="test-key-ed25519"'
    ),
    "Signature": (
        "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"
    ),
}

# ---- our own keys and requests -----------------------------------------------------------------

RSA_PRIVATE, RSA_PUBLIC = keys.generate_rsa_keypair()
ED_PRIVATE, ED_PUBLIC = keys.generate_ed25519_keypair()
_, OTHER_RSA_PUBLIC = keys.generate_rsa_keypair()
KEY_ID = "https://a.example/users/alice#main-key"
RSA_KEY = SigningKey(KEY_ID, RSA_PRIVATE)
ED_KEY = SigningKey("https://a.example/users/alice#ed25519-key", ED_PRIVATE)
INBOX = "https://b.example/users/bob/inbox"
ACTOR = "https://b.example/users/bob"
NOW = 1_700_000_000
BODY = b'{"type": "Follow", "actor": "https://a.example/users/alice"}'
JSON = {"Content-Type": "application/activity+json"}


def _refusal(method, url, headers, body, public_pem, now=NOW) -> str:
    with pytest.raises(SignatureError) as err:
        verify_request(method, url, headers, body, public_pem, now)
    assert err.value.status == 401
    return err.value.message


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _cavage(method, url, covered, headers, private_pem=RSA_PRIVATE, algorithm="rsa-sha256", params=None):
    """A hand-built cavage signature over `covered`, for shapes our own signer never makes."""
    params = params or {}
    target = url.split("://", 1)[1]
    target = target[target.index("/"):]
    values = {name.lower(): value for name, value in headers.items()}
    values["(request-target)"] = f"{method.lower()} {target}"
    values.update({f"({name})": value for name, value in params.items()})
    message = "\n".join(f"{name}: {values[name]}" for name in covered).encode()
    key = keys.load_private_key(private_pem)
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    else:
        signature = key.sign(message)
    extra = "".join(f",{name}={value}" for name, value in params.items())
    claimed = f'algorithm="{algorithm}",' if algorithm else ""
    header = f'keyId="{KEY_ID}",{claimed}headers="{" ".join(covered)}"{extra},'
    return {**headers, "Signature": header + f'signature="{_b64(signature)}"'}


def _dated(when, body=BODY, host="b.example"):
    return {"Host": host, "Date": formatdate(when, usegmt=True), "Digest": body_digest(body)}


def _fedify_get(target_uri, now=NOW, private_pem=RSA_PRIVATE, method="GET"):
    """An RFC 9421 GET signed the way Fedify's signRequestRfc9421 builds it, base string by hand."""
    authority, date = "b.example", formatdate(now, usegmt=True)
    values = {"@method": method, "@target-uri": target_uri, "@authority": authority, "host": authority}
    values["date"] = date
    inner = "(" + " ".join(f'"{name}"' for name in values) + ")"
    params = f'alg="rsa-v1_5-sha256";keyid="{KEY_ID}";created={now}'
    base = "\n".join(f'"{name}": {value}' for name, value in values.items())
    base += f'\n"@signature-params": {inner};{params}'
    signature = keys.load_private_key(private_pem).sign(base.encode(), padding.PKCS1v15(), hashes.SHA256())
    return {
        "Host": authority,
        "Date": date,
        "Signature-Input": f"sig1={inner};{params}",
        "Signature": f"sig1=:{_b64(signature)}:",
    }


# ---- vectors: draft-cavage ---------------------------------------------------------------------


def test_body_digest__matches_draft_cavage_example():
    assert body_digest(CAVAGE_BODY) == CAVAGE_HEADERS["Digest"]


def test_verify__accepts_draft_cavage_basic_test_c2():
    headers = {**CAVAGE_HEADERS, "Signature": CAVAGE_C2_SIGNATURE}

    verified = verify_request("POST", CAVAGE_URL, headers, None, CAVAGE_PUBLIC, CAVAGE_NOW)

    assert verified == VerifiedSignature("Test", "cavage", float(CAVAGE_NOW))


def test_verify__refuses_draft_cavage_c2_with_its_body_because_digest_is_not_signed():
    headers = {**CAVAGE_HEADERS, "Signature": CAVAGE_C2_SIGNATURE}

    reason = _refusal("POST", CAVAGE_URL, headers, CAVAGE_BODY, CAVAGE_PUBLIC, CAVAGE_NOW)

    assert reason == "signature must cover digest"


def test_verify__accepts_draft_cavage_all_headers_test_c3_with_its_body():
    headers = {**CAVAGE_HEADERS, "Signature": CAVAGE_C3_SIGNATURE}

    verified = verify_request("POST", CAVAGE_URL, headers, CAVAGE_BODY, CAVAGE_PUBLIC, CAVAGE_NOW)

    assert verified.key_id == "Test"


def test_sign_request__reproduces_draft_cavage_basic_test_c2_signature():
    # RSA PKCS#1 v1.5 is deterministic, so the published private key must give the published bytes.
    headers = {"Content-Type": "application/json"}

    key = SigningKey("Test", CAVAGE_PRIVATE)

    signed = sign_request("POST", CAVAGE_URL, headers, None, key, CAVAGE_NOW)

    assert signed["Host"] == "example.com"
    assert signed["Date"] == CAVAGE_HEADERS["Date"]
    published = re.search(r'signature="([^"]+)"', CAVAGE_C2_SIGNATURE).group(1)
    assert f'signature="{published}"' in signed["Signature"]


# ---- vectors: RFC 9421 -------------------------------------------------------------------------


def test_verify__accepts_rfc9421_b26_ed25519_example():
    headers = RFC9421_B26_HEADERS

    verified = verify_request("POST", RFC9421_URL, headers, None, RFC9421_ED25519_PUBLIC, RFC9421_NOW)

    assert verified == VerifiedSignature("test-key-ed25519", "rfc9421", float(RFC9421_NOW))


def test_verify__refuses_rfc9421_b26_with_its_body_because_content_digest_is_not_covered():
    headers = RFC9421_B26_HEADERS

    reason = _refusal("POST", RFC9421_URL, headers, RFC9421_BODY, RFC9421_ED25519_PUBLIC, RFC9421_NOW)

    assert reason == "signature must cover content-digest"


def test_verify__refuses_rfc9421_b26_with_a_changed_covered_header():
    headers = {**RFC9421_B26_HEADERS, "Content-Type": "text/plain"}

    reason = _refusal("POST", RFC9421_URL, headers, None, RFC9421_ED25519_PUBLIC, RFC9421_NOW)

    assert reason == "signature does not verify"


def test_signature_key_id__reads_the_published_examples():
    assert signature_key_id({**CAVAGE_HEADERS, "Signature": CAVAGE_C2_SIGNATURE}) == "Test"
    assert signature_key_id(RFC9421_B26_HEADERS) == "test-key-ed25519"


# ---- round trips -------------------------------------------------------------------------------


def test_round_trip__cavage_post():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW)

    verified = verify_request("POST", INBOX, headers, BODY, RSA_PUBLIC, NOW)
    assert verified == VerifiedSignature(KEY_ID, "cavage", NOW)
    assert 'headers="(request-target) host date digest"' in headers["Signature"]


def test_round_trip__cavage_get():
    headers = sign_request("GET", ACTOR, {"Accept": "application/activity+json"}, None, RSA_KEY, NOW)

    assert "Digest" not in headers
    assert 'headers="(request-target) host date"' in headers["Signature"]
    assert verify_request("GET", ACTOR, headers, None, RSA_PUBLIC, NOW).style == "cavage"


@pytest.mark.parametrize(
    ("key", "public_pem", "alg"), [(RSA_KEY, RSA_PUBLIC, "rsa-v1_5-sha256"), (ED_KEY, ED_PUBLIC, "ed25519")]
)
def test_round_trip__rfc9421_post(key, public_pem, alg):
    headers = sign_request_rfc9421("POST", INBOX, JSON, BODY, key, NOW)

    assert headers["Content-Digest"].startswith("sha-256=:")
    covered = '("@method" "@target-uri" "@authority" "content-digest")'
    assert headers["Signature-Input"].startswith(f"sig1={covered}")
    assert f'alg="{alg}"' in headers["Signature-Input"] and f"created={NOW}" in headers["Signature-Input"]
    verified = verify_request("POST", INBOX, headers, BODY, public_pem, NOW)
    assert verified == VerifiedSignature(key.key_id, "rfc9421", NOW)


@pytest.mark.parametrize(("key", "public_pem"), [(RSA_KEY, RSA_PUBLIC), (ED_KEY, ED_PUBLIC)])
def test_round_trip__rfc9421_get(key, public_pem):
    headers = sign_request_rfc9421("GET", ACTOR, {}, None, key, NOW)

    assert "Content-Digest" not in headers
    assert verify_request("GET", ACTOR, headers, None, public_pem, NOW).key_id == key.key_id


def test_sign_request__returns_a_new_dict_with_host_and_date_replaced():
    given = {"host": "wrong.example", "date": "yesterday", "Accept": "*/*"}

    signed = sign_request("GET", "http://127.0.0.1:8080/users/bob", given, None, RSA_KEY, NOW)

    assert given == {"host": "wrong.example", "date": "yesterday", "Accept": "*/*"}
    assert signed["Host"] == "127.0.0.1:8080" and "host" not in signed
    assert signed["Date"] == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert signed["Accept"] == "*/*"


def test_sign_request__leaves_default_port_out_of_host():
    assert sign_request("GET", "https://b.example:443/x", {}, None, RSA_KEY, NOW)["Host"] == "b.example"


def test_sign_request__handles_percent_in_key_id():
    # httpsig fills its header template with %-formatting; a key id with %40 must survive it.
    key = SigningKey("https://a.example/users/%40alice#main-key", RSA_PRIVATE)

    headers = sign_request("POST", INBOX, {}, BODY, key, NOW)

    assert signature_key_id(headers) == key.key_id
    assert verify_request("POST", INBOX, headers, BODY, RSA_PUBLIC, NOW).key_id == key.key_id


def test_sign_request__refuses_ed25519_keys_for_cavage():
    with pytest.raises(ValueError):
        sign_request("GET", ACTOR, {}, None, ED_KEY, NOW)


def test_verify__accepts_header_names_in_any_case():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW)
    upper = {name.upper(): value for name, value in headers.items()}

    assert verify_request("post", INBOX, upper, BODY, RSA_PUBLIC, NOW).key_id == KEY_ID


def test_verify__accepts_hs2019_with_rsa_and_ed25519_keys():
    covered = ["(request-target)", "host", "date", "digest"]
    for private_pem, public_pem in [(RSA_PRIVATE, RSA_PUBLIC), (ED_PRIVATE, ED_PUBLIC)]:
        headers = _cavage("POST", INBOX, covered, _dated(NOW), private_pem, algorithm="hs2019")
        assert verify_request("POST", INBOX, headers, BODY, public_pem, NOW).style == "cavage"


def test_verify__treats_a_missing_algorithm_as_hs2019():
    covered = ["(request-target)", "host", "date", "digest"]
    headers = _cavage("POST", INBOX, covered, _dated(NOW), algorithm=None)

    assert "algorithm=" not in headers["Signature"]
    assert verify_request("POST", INBOX, headers, BODY, RSA_PUBLIC, NOW).key_id == KEY_ID


def test_verify__accepts_hs2019_created_and_expires_params():
    covered = ["(request-target)", "host", "(created)", "(expires)", "digest"]
    params = {"created": str(NOW - 7200), "expires": str(NOW + 60)}
    headers = _cavage("POST", INBOX, covered, _dated(NOW), algorithm="hs2019", params=params)

    assert verify_request("POST", INBOX, headers, BODY, RSA_PUBLIC, NOW).created == NOW - 7200


def test_signature_style__tells_the_two_apart():
    assert signature_style({"signature": "x"}) == "cavage"
    assert signature_style({"Signature": "x", "SIGNATURE-INPUT": "y"}) == "rfc9421"
    assert signature_style({"Accept": "*/*"}) is None


# ---- refusals: draft-cavage --------------------------------------------------------------------


def test_verify__rejects_body_changed_after_signing():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW)

    assert _refusal("POST", INBOX, headers, BODY + b" ", RSA_PUBLIC) == "digest does not match body"


def test_verify__rejects_changed_signed_header():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW)
    headers["Date"] = formatdate(NOW + 1, usegmt=True)

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature does not verify"


def test_verify__rejects_request_replayed_to_another_path():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW)

    other_path = "https://b.example/inbox"

    assert _refusal("POST", other_path, headers, BODY, RSA_PUBLIC) == "signature does not verify"


def test_verify__rejects_request_replayed_to_another_host():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW)
    url = "https://c.example/users/bob/inbox"

    assert _refusal("POST", url, headers, BODY, RSA_PUBLIC) == "host header does not match request"


def test_verify__rejects_post_without_digest():
    headers = sign_request("POST", INBOX, JSON, None, RSA_KEY, NOW)

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "Digest header required"


def test_verify__rejects_digest_that_is_not_signed():
    headers = sign_request("POST", INBOX, JSON, None, RSA_KEY, NOW)
    headers["Digest"] = body_digest(BODY)

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature must cover digest"


def test_verify__rejects_signature_not_covering_host():
    headers = _cavage("POST", INBOX, ["(request-target)", "date", "digest"], _dated(NOW))

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature must cover host"


def test_verify__rejects_signature_not_covering_request_target():
    headers = _cavage("POST", INBOX, ["host", "date", "digest"], _dated(NOW))

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature must cover (request-target)"


def test_verify__rejects_signature_not_covering_date():
    headers = _cavage("POST", INBOX, ["(request-target)", "host", "digest"], _dated(NOW))

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature must cover date or (created)"


def test_verify__rejects_date_1h06m_old():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW - 3960)

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature has expired"


def test_verify__accepts_date_1h04m_old():
    # Mastodon's window: valid 5 minutes after Date, plus an hour of clock skew.
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW - 3840)

    assert verify_request("POST", INBOX, headers, BODY, RSA_PUBLIC, NOW).created == NOW - 3840


def test_verify__rejects_date_1h01m_in_the_future():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW + 3660)

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature date is in the future"


def test_verify__accepts_date_59m_in_the_future():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW + 3540)

    assert verify_request("POST", INBOX, headers, BODY, RSA_PUBLIC, NOW).created == NOW + 3540


def test_verify__caps_expires_at_12_hours_after_created():
    covered = ["(request-target)", "host", "(created)", "(expires)", "digest"]
    params = {"created": str(NOW - 14 * 3600), "expires": str(NOW + 3600)}
    headers = _cavage("POST", INBOX, covered, _dated(NOW), algorithm="hs2019", params=params)

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature has expired"


@pytest.mark.parametrize("date", ["yesterday", "Sun, 05 Jan 99999 21:31:40 GMT", ""])
def test_verify__rejects_unparseable_date(date):
    covered = ["(request-target)", "host", "date", "digest"]
    headers = _cavage("POST", INBOX, covered, {**_dated(NOW), "Date": date})

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "unparseable Date header"


def test_verify__rejects_wrong_key():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW)

    assert _refusal("POST", INBOX, headers, BODY, OTHER_RSA_PUBLIC) == "signature does not verify"


@pytest.mark.parametrize("algorithm", ["rsa-sha1", "hmac-sha256", "rsa-sha512", "ed25519"])
def test_verify__rejects_unsupported_algorithm(algorithm):
    covered = ["(request-target)", "host", "date", "digest"]
    headers = _cavage("POST", INBOX, covered, _dated(NOW), algorithm=algorithm)

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == f"unsupported algorithm {algorithm}"


def test_verify__rejects_rsa_sha256_claim_with_ed25519_key():
    covered = ["(request-target)", "host", "date", "digest"]
    headers = _cavage("POST", INBOX, covered, _dated(NOW), ED_PRIVATE, algorithm="rsa-sha256")

    assert _refusal("POST", INBOX, headers, BODY, ED_PUBLIC) == "algorithm does not match key type"


def test_verify__rejects_created_with_rsa_sha256_as_draft_12_requires():
    covered = ["(request-target)", "host", "(created)", "digest"]
    headers = _cavage("POST", INBOX, covered, _dated(NOW), params={"created": str(NOW)})

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "(created) requires algorithm hs2019"


@pytest.mark.parametrize("digest", ["SHA-512=" + "A" * 86 + "==", "MD5=1B2M2Y8AsgTpgAmY7PhCfg==", "oops"])
def test_verify__rejects_non_sha256_digest(digest):
    covered = ["(request-target)", "host", "date", "digest"]
    headers = _cavage("POST", INBOX, covered, {**_dated(NOW), "Digest": digest})

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "unsupported digest algorithm"


def test_verify__rejects_missing_signature():
    assert _refusal("POST", INBOX, {**_dated(NOW), **JSON}, BODY, RSA_PUBLIC) == "signature required"
    with pytest.raises(SignatureError, match="signature required"):
        signature_key_id(JSON)


@pytest.mark.parametrize(
    "value",
    ["garbage", 'keyId="x"', 'signature="AAAA"', 'keyId="",signature="AAAA"', "", 'keyId="x,signature="a"'],
)
def test_verify__rejects_malformed_signature_header(value):
    headers = {**_dated(NOW), "Signature": value}

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "malformed Signature header"
    with pytest.raises(SignatureError, match="malformed Signature header"):
        signature_key_id(headers)


def test_verify__rejects_signature_that_is_not_base64():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW)
    headers["Signature"] = re.sub(r'signature="[^"]+"', 'signature="not base64!"', headers["Signature"])

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "malformed signature value"


def test_verify__rejects_signed_header_that_is_absent():
    covered = ["(request-target)", "host", "date", "digest", "content-type"]
    headers = _cavage("POST", INBOX, covered, {**_dated(NOW), **JSON})
    del headers["Content-Type"]

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signed header content-type is missing"


def test_verify__rejects_unusable_public_key():
    headers = sign_request("POST", INBOX, JSON, BODY, RSA_KEY, NOW)

    assert _refusal("POST", INBOX, headers, BODY, "not a key") == "unusable public key"


# ---- refusals: RFC 9421 ------------------------------------------------------------------------


def test_verify_rfc9421__rejects_body_changed_after_signing():
    headers = sign_request_rfc9421("POST", INBOX, JSON, BODY, RSA_KEY, NOW)

    reason = _refusal("POST", INBOX, headers, BODY + b" ", RSA_PUBLIC)

    assert "does not match" in reason


def test_verify_rfc9421__rejects_changed_method_or_url():
    headers = sign_request_rfc9421("POST", INBOX, JSON, BODY, RSA_KEY, NOW)

    assert _refusal("PUT", INBOX, headers, BODY, RSA_PUBLIC) == "signature does not verify"
    assert _refusal("POST", INBOX + "?x=1", headers, BODY, RSA_PUBLIC) == "signature does not verify"


def test_verify_rfc9421__rejects_missing_created():
    headers = sign_request_rfc9421("POST", INBOX, JSON, BODY, RSA_KEY, NOW)
    headers["Signature-Input"] = re.sub(r";created=\d+", "", headers["Signature-Input"])

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature must have created"


def test_verify_rfc9421__rejects_post_without_content_digest_coverage():
    headers = sign_request_rfc9421("POST", INBOX, JSON, None, RSA_KEY, NOW)

    assert _refusal("POST", INBOX, headers, BODY, RSA_PUBLIC) == "signature must cover content-digest"


def test_verify_rfc9421__rejects_signature_not_covering_method():
    headers = sign_request_rfc9421("GET", ACTOR, {}, None, RSA_KEY, NOW)
    headers["Signature-Input"] = headers["Signature-Input"].replace('"@method" ', "")

    assert _refusal("GET", ACTOR, headers, None, RSA_PUBLIC) == "signature must cover @method"


def test_verify_rfc9421__rejects_signature_not_covering_target():
    headers = sign_request_rfc9421("GET", ACTOR, {}, None, RSA_KEY, NOW)
    headers["Signature-Input"] = headers["Signature-Input"].replace(' "@target-uri"', "")

    assert _refusal("GET", ACTOR, headers, None, RSA_PUBLIC).startswith("signature must cover @target-uri")


def test_verify_rfc9421__rejects_old_and_future_created():
    old = sign_request_rfc9421("GET", ACTOR, {}, None, RSA_KEY, NOW - 3960)
    future = sign_request_rfc9421("GET", ACTOR, {}, None, RSA_KEY, NOW + 3660)

    assert _refusal("GET", ACTOR, old, None, RSA_PUBLIC) == "signature has expired"
    assert _refusal("GET", ACTOR, future, None, RSA_PUBLIC) == "signature date is in the future"


def test_verify_rfc9421__rejects_wrong_key():
    headers = sign_request_rfc9421("POST", INBOX, JSON, BODY, RSA_KEY, NOW)

    assert _refusal("POST", INBOX, headers, BODY, OTHER_RSA_PUBLIC) == "signature does not verify"


def test_verify_rfc9421__rejects_unsupported_algorithm():
    headers = sign_request_rfc9421("GET", ACTOR, {}, None, RSA_KEY, NOW)
    headers["Signature-Input"] = headers["Signature-Input"].replace("rsa-v1_5-sha256", "hmac-sha256")

    assert _refusal("GET", ACTOR, headers, None, RSA_PUBLIC) == "unsupported algorithm hmac-sha256"


def test_verify_rfc9421__rejects_algorithm_that_does_not_match_the_key():
    headers = sign_request_rfc9421("GET", ACTOR, {}, None, ED_KEY, NOW)
    headers["Signature-Input"] = headers["Signature-Input"].replace('alg="ed25519"', 'alg="rsa-v1_5-sha256"')

    assert _refusal("GET", ACTOR, headers, None, ED_PUBLIC) == "algorithm does not match key type"


@pytest.mark.parametrize("value", ["(((", "sig1=1", ""])
def test_verify_rfc9421__rejects_malformed_signature_input(value):
    headers = {**sign_request_rfc9421("GET", ACTOR, {}, None, RSA_KEY, NOW), "Signature-Input": value}

    assert _refusal("GET", ACTOR, headers, None, RSA_PUBLIC) == "malformed Signature-Input header"


def test_verify_rfc9421__rejects_signature_input_without_matching_signature():
    headers = sign_request_rfc9421("GET", ACTOR, {}, None, RSA_KEY, NOW)
    headers["Signature"] = headers["Signature"].replace("sig1=", "other=")

    assert _refusal("GET", ACTOR, headers, None, RSA_PUBLIC) == "no signature for label sig1"


def test_verify_rfc9421__judges_only_the_first_of_several_signatures():
    good = sign_request_rfc9421("GET", ACTOR, {}, None, RSA_KEY, NOW)
    bad_input = 'sig2=("@method");created=1;keyid="x"'
    bad_signature = "sig2=:AAAA:"

    first_good = {
        **good,
        "Signature-Input": f"{good['Signature-Input']}, {bad_input}",
        "Signature": f"{good['Signature']}, {bad_signature}",
    }
    first_bad = {
        **good,
        "Signature-Input": f"{bad_input}, {good['Signature-Input']}",
        "Signature": f"{bad_signature}, {good['Signature']}",
    }

    assert verify_request("GET", ACTOR, first_good, None, RSA_PUBLIC, NOW).key_id == KEY_ID
    reason = "signature must cover @target-uri, or @authority and @path"
    assert _refusal("GET", ACTOR, first_bad, None, RSA_PUBLIC) == reason


def test_verify_rfc9421__accepts_fedify_shaped_get():
    headers = _fedify_get(ACTOR)

    verified = verify_request("GET", ACTOR, headers, None, RSA_PUBLIC, NOW)
    assert verified == VerifiedSignature(KEY_ID, "rfc9421", NOW)


def test_verify_rfc9421__accepts_fedify_fragment_quirk_for_get():
    # Fedify fetches a key by its id and signs @target-uri with the "#main-key" fragment in it.
    headers = _fedify_get(ACTOR + "#main-key")

    assert verify_request("GET", ACTOR, headers, None, RSA_PUBLIC, NOW).key_id == KEY_ID


def test_verify_rfc9421__fragment_retry_is_only_for_get():
    headers = _fedify_get(ACTOR + "#main-key", method="POST")

    assert _refusal("POST", ACTOR, headers, None, RSA_PUBLIC) == "signature does not verify"


def test_verify_rfc9421__fragment_retry_is_only_for_main_key():
    headers = _fedify_get(ACTOR + "#other-key")

    assert _refusal("GET", ACTOR, headers, None, RSA_PUBLIC) == "signature does not verify"
