"""HTTP request signatures in both styles the fediverse uses (layer 1, protocol).

Owns signing outgoing requests (draft-cavage-http-signatures-12 through httpsig, RFC 9421 through
http_message_signatures), the Digest and Content-Digest headers, and verifying an incoming request
against a public key the caller has already resolved. The acceptance policy follows Mastodon's
app/controllers/concerns/signature_verification.rb: what the signature must cover, the time window
(Date or `created`, an hour of clock skew, 5 minutes' default and 12 hours' maximum validity) and
the body digest. Pure: no network, no database, and the time is always passed in as `now`.

Every refusal raises errors.SignatureError with a short reason that is safe to show the sender.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import http_message_signatures as hms
from cryptography.exceptions import InvalidSignature as CryptoMismatch
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from http_message_signatures.algorithms import ED25519, RSA_V1_5_SHA256
from http_message_signatures.signatures import HTTPSignatureHandler
from httpsig.utils import generate_message, parse_signature_header

from ..errors import SignatureError
from ..models import ActorKey
from .keys import PublicKey, load_private_key, load_public_key

Headers = Mapping[str, str]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_DEFAULT_VALIDITY = 300  # Mastodon: a signature without `expires` is good for 5 minutes...
_MAX_VALIDITY = 12 * 3600  # ...and never longer than 12 hours (EXPIRATION_WINDOW_LIMIT).
_RFC9421_ALGORITHMS = {"rsa-v1_5-sha256": RSA_V1_5_SHA256, "ed25519": ED25519}
_PSEUDO_PARAMS = ("created", "expires")  # cavage "(created)"/"(expires)" take these params' values
_FEDIFY_KEY_FRAGMENT = "#main-key"


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private_pem: str  # RSA (cavage or rsa-v1_5-sha256) or Ed25519 (RFC 9421 only)

    @classmethod
    def newest_rsa(cls, actor_keys: Sequence[ActorKey]) -> "SigningKey":
        """The key a local actor signs HTTP requests with: its newest RSA key."""
        rsa_keys = [k for k in actor_keys if k.kind == "rsa" and k.private_pem]
        return cls(rsa_keys[-1].key_id, rsa_keys[-1].private_pem)


@dataclass(frozen=True)
class VerifiedSignature:
    key_id: str
    style: str  # "cavage" or "rfc9421"
    created: float  # unix seconds the signature claims (Date header or created param)


def body_digest(body: bytes) -> str:
    """The Digest header value (RFC 3230) that draft-cavage senders sign."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def sign_request(
    method: str, url: str, headers: Headers, body: bytes | None, key: SigningKey, now: float
) -> dict[str, str]:
    """A copy of `headers` with Host, Date, Digest (when there is a body) and a cavage Signature."""
    private_key = load_private_key(key.private_pem)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError("draft-cavage signing needs an RSA key")
    out = _base_headers(url, headers, now, also_drop={"digest"})
    if body is not None:
        out["Digest"] = body_digest(body)
    covered = ["(request-target)", "host", "date"] + (["digest"] if body is not None else [])
    # httpsig builds the signing string; the signature itself comes from the memoised
    # `cryptography` key, about five times faster than httpsig's own pycryptodome signer.
    message = generate_message(covered, _lower(out), method=method, path=_request_target(url))
    signature = base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")
    out["Signature"] = (
        f'keyId="{key.key_id}",algorithm="rsa-sha256",headers="{" ".join(covered)}",signature="{signature}"'
    )
    return out


def sign_request_rfc9421(
    method: str, url: str, headers: Headers, body: bytes | None, key: SigningKey, now: float
) -> dict[str, str]:
    """A copy of `headers` with Host, Date, Content-Digest (with a body) and RFC 9421 signature sig1."""
    private_key = load_private_key(key.private_pem)
    algorithm = RSA_V1_5_SHA256 if isinstance(private_key, rsa.RSAPrivateKey) else ED25519
    out = _base_headers(url, headers, now, also_drop={"content-digest"})
    resolver = hms.MappingKeyResolver(public_keys={}, private_keys={key.key_id: private_key})
    # The library writes Content-Digest, Signature-Input and Signature into `out`, and covers
    # content-digest when given a body (RFC 9530).
    hms.HTTPMessageSigner(signature_algorithm=algorithm, key_resolver=resolver).sign(
        SimpleNamespace(method=method.upper(), url=url, headers=out),
        key_id=key.key_id,
        created=datetime.datetime.fromtimestamp(int(now), datetime.timezone.utc),
        label="sig1",
        covered_component_ids=("@method", "@target-uri", "@authority"),
        body=body,
    )
    return out


def _base_headers(url: str, headers: Headers, now: float, also_drop: set[str]) -> dict[str, str]:
    drop = {"host", "date", "signature", "signature-input"} | also_drop
    out = {name: value for name, value in headers.items() if name.lower() not in drop}
    out["Host"] = _authority(url)
    out["Date"] = formatdate(now, usegmt=True)
    return out


def signature_style(headers: Headers) -> str | None:
    names = {name.lower() for name in headers}
    if "signature-input" in names:
        return "rfc9421"
    return "cavage" if "signature" in names else None


def signature_key_id(headers: Headers) -> str:
    """The key id of the (first) signature, so the caller can fetch the key before verifying."""
    lowered = _lower(headers)
    style = signature_style(lowered)
    if style is None:
        raise SignatureError("signature required")
    if style == "rfc9421":
        return _parse_rfc9421(lowered)[1].params["keyid"]
    return _parse_cavage(lowered)["keyid"]


def precheck_request(url: str, headers: Headers, body: bytes | None, now: float, skew_seconds: int = 3600) -> str:
    """Every check that needs no key (coverage, digest, time window, algorithm name), so that a
    request that would fail anyway costs no key fetch. Returns the key id to fetch."""
    lowered = _lower(headers)
    style = signature_style(lowered)
    if style is None:
        raise SignatureError("signature required")
    if style == "rfc9421":
        return _check_rfc9421(lowered, body or b"", now, skew_seconds)[3]["keyid"]
    return _check_cavage(url, lowered, body or b"", now, skew_seconds)[0]["keyid"]


def verify_request(
    method: str, url: str, headers: Headers, body: bytes | None, public_key_pem: str, now: float,
    skew_seconds: int = 3600,
) -> VerifiedSignature:
    """Verify the request's signature with the given key, or raise SignatureError(reason)."""
    lowered = _lower(headers)
    style = signature_style(lowered)
    if style is None:
        raise SignatureError("signature required")
    key = load_public_key(public_key_pem)
    verify = _verify_rfc9421 if style == "rfc9421" else _verify_cavage
    return verify(method.upper(), url, lowered, body or b"", key, now, skew_seconds)


# draft-cavage ----------------------------------------------------------------------------------


def _parse_cavage(h: dict[str, str]) -> dict[str, str]:
    params = dict(parse_signature_header(h.get("signature", "")))  # keys come back lowercased
    if not params.get("keyid") or not params.get("signature"):
        raise SignatureError("malformed Signature header")
    return params


def _verify_cavage(method, url, h, body, key, now, skew) -> VerifiedSignature:
    params, covered, algorithm, created = _check_cavage(url, h, body, now, skew)
    if algorithm == "rsa-sha256" and not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("algorithm does not match key type")
    _verify_bytes(key, _decode_b64(params["signature"]), _cavage_message(covered, params, h, method, url))
    return VerifiedSignature(params["keyid"], "cavage", created)


def _check_cavage(url, h, body, now, skew) -> tuple[dict, list[str], str, float]:
    """Everything about a cavage signature that needs no key: (params, covered, algorithm, created)."""
    params = _parse_cavage(h)
    algorithm = params.get("algorithm", "hs2019").lower()  # draft-12: absent means hs2019
    if algorithm not in ("rsa-sha256", "hs2019"):
        raise SignatureError(f"unsupported algorithm {algorithm[:40]}")
    covered = params.get("headers", "date").lower().split()  # draft-12: absent means date only
    _require_cavage_coverage(covered, params, h, body)
    if h["host"].lower() not in {_authority(url), _authority(url, explicit_port=True)}:
        raise SignatureError("host header does not match request")
    if body or "digest" in covered:
        _check_digest(h["digest"], body)
    created = _cavage_created(covered, params, h, algorithm)
    _check_window(created, _int_param(params, "expires"), now, skew)
    return params, covered, algorithm, created


def _require_cavage_coverage(covered: list[str], params: dict, h: dict, body: bytes) -> None:
    for name in ("(request-target)", "host"):
        if name not in covered:
            raise SignatureError(f"signature must cover {name}")
    if "date" not in covered and "(created)" not in covered:
        raise SignatureError("signature must cover date or (created)")
    if body and "digest" not in h:
        raise SignatureError("Digest header required")
    if body and "digest" not in covered:
        raise SignatureError("signature must cover digest")
    available = set(h) | {"(request-target)"} | {f"({p})" for p in _PSEUDO_PARAMS if p in params}
    for name in covered:
        if name not in available:
            raise SignatureError(f"signed header {name} is missing")


def _check_digest(value: str, body: bytes) -> None:
    offered = {}
    for part in value.split(","):
        name, _, digest = part.strip().partition("=")
        offered[name.strip().lower()] = digest.strip()
    if "sha-256" not in offered:
        raise SignatureError("unsupported digest algorithm")
    expected = base64.b64encode(hashlib.sha256(body).digest())
    if not hmac.compare_digest(offered["sha-256"].encode(), expected):
        raise SignatureError("digest does not match body")


def _cavage_created(covered: list[str], params: dict, h: dict, algorithm: str) -> float:
    if "(created)" in covered:
        # draft-cavage-12 section 2.3: (created) is an error with rsa-* algorithms.
        if algorithm != "hs2019":
            raise SignatureError("(created) requires algorithm hs2019")
        return float(_int_param(params, "created"))
    try:
        date = parsedate_to_datetime(h["date"])
    except (TypeError, ValueError, OverflowError) as exc:
        raise SignatureError("unparseable Date header") from exc
    if date.tzinfo is None:
        date = date.replace(tzinfo=datetime.timezone.utc)
    return date.timestamp()


def _int_param(params: dict, name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise SignatureError(f"malformed {name} parameter")
    return int(value)


def _cavage_message(covered: list[str], params: dict, h: dict, method: str, url: str) -> bytes:
    values = dict(h)
    values.update({f"({p})": params[p] for p in _PSEUDO_PARAMS if p in params})
    try:
        return generate_message(covered, values, method=method, path=_request_target(url))
    except UnicodeEncodeError as exc:
        raise SignatureError("signed headers must be ASCII") from exc


# RFC 9421 --------------------------------------------------------------------------------------


def _parse_rfc9421(h: dict[str, str]) -> tuple[str, Any, bytes]:
    """(label, Signature-Input member, signature bytes) of the first signature."""
    inputs = _sf_dictionary(h.get("signature-input", ""), "Signature-Input")
    signatures = _sf_dictionary(h.get("signature", ""), "Signature")
    if not inputs:
        raise SignatureError("malformed Signature-Input header")
    # Only the first signature is judged: a later one may be an intermediary's, with a key we
    # were not given.
    label, node = next(iter(inputs.items()))
    if not isinstance(node, Sequence):  # an inner list of component items, with parameters
        raise SignatureError("malformed Signature-Input header")
    signature = getattr(signatures.get(label), "value", None)
    if not isinstance(signature, bytes):
        raise SignatureError(f"no signature for label {label}")
    keyid = node.params.get("keyid")
    if not isinstance(keyid, str) or not keyid:
        raise SignatureError("signature must have keyid")
    return label, node, signature


def _sf_dictionary(value: str, name: str) -> Mapping[str, Any]:
    # http_message_signatures has no public parser for these fields; this is the one its own
    # verifier uses (Structured Field Dictionary, duplicate labels refused).
    try:
        return HTTPSignatureHandler._parse_signature_dictionary(value)
    except (ValueError, hms.HTTPMessageSignaturesException) as exc:
        raise SignatureError(f"malformed {name} header") from exc


def _verify_rfc9421(method, url, h, body, key, now, skew) -> VerifiedSignature:
    label, node, signature, params, created = _check_rfc9421(h, body, now, skew)
    algorithm = _rfc9421_algorithm(params.get("alg"), key)
    # Hand the library only the signature we judge: it refuses to pick among untagged ones.
    encoded = base64.b64encode(signature).decode("ascii")
    single = {**h, "signature-input": f"{label}={node}", "signature": f"{label}=:{encoded}:"}
    # Any keyid maps to the caller's key: key ids are resolved before this module is called.
    resolver = hms.MappingKeyResolver(public_keys={params["keyid"]: key}, private_keys={})
    try:
        _run_rfc9421_verifier(method, url, single, algorithm, resolver, hms.HTTPSignatureComponentResolver)
    except _Mismatch:
        # Fedify signs its GETs of key documents with the key id as @target-uri, fragment and all
        # (JavaScript's Request.url keeps "#main-key"), although the fragment never reaches us.
        if method != "GET" or "#" in url:
            raise
        with_fragment = url + _FEDIFY_KEY_FRAGMENT
        _run_rfc9421_verifier(method, with_fragment, single, algorithm, resolver, _FragmentResolver)
    return VerifiedSignature(params["keyid"], "rfc9421", float(created))


def _check_rfc9421(h, body, now, skew) -> tuple[str, Any, bytes, dict, int]:
    """Everything about an RFC 9421 signature that needs no key: (label, input, signature, params, created)."""
    label, node, signature = _parse_rfc9421(h)
    params, components = dict(node.params), {item.value for item in node}
    if params.get("alg") is not None and params["alg"] not in _RFC9421_ALGORITHMS:
        raise SignatureError(f"unsupported algorithm {str(params['alg'])[:40]}")
    if "@method" not in components:
        raise SignatureError("signature must cover @method")
    if "@target-uri" not in components and not {"@authority", "@path"} <= components:
        raise SignatureError("signature must cover @target-uri, or @authority and @path")
    if body and "content-digest" not in components:
        raise SignatureError("signature must cover content-digest")
    created, expires = params.get("created"), params.get("expires")
    if type(created) is not int:
        raise SignatureError("signature must have created")
    if expires is not None and type(expires) is not int:
        raise SignatureError("malformed expires parameter")
    _check_window(created, expires, now, skew)
    if "content-digest" in components:
        _check_content_digest(h, body)
    return label, node, signature, params, created


def _rfc9421_algorithm(alg: Any, key: PublicKey) -> type[hms.HTTPSignatureAlgorithm]:
    # The alg parameter is optional (RFC 9421 section 2.3); the key type decides, and must agree.
    expected = "rsa-v1_5-sha256" if isinstance(key, rsa.RSAPublicKey) else "ed25519"
    if alg is not None and alg not in _RFC9421_ALGORITHMS:
        raise SignatureError(f"unsupported algorithm {str(alg)[:40]}")
    if alg is not None and alg != expected:
        raise SignatureError("algorithm does not match key type")
    return _RFC9421_ALGORITHMS[expected]


class _Mismatch(SignatureError):
    """The signature base was built, but the signature over it is wrong."""


class _Verifier(hms.HTTPMessageVerifier):
    def validate_created_and_expires(self, sig_input, max_age=None):
        """Skipped: _check_window applies Mastodon's window against the caller's `now`."""


class _FragmentResolver(hms.HTTPSignatureComponentResolver):
    """@target-uri with the URL's fragment kept (the library drops it, as RFC 9421 says)."""

    def get_target_uri(self):
        fragment = urlsplit(self.message.url).fragment
        return super().get_target_uri() + (f"#{fragment}" if fragment else "")


def _run_rfc9421_verifier(method, url, headers, algorithm, resolver, resolver_class) -> None:
    verifier = _Verifier(
        signature_algorithm=algorithm, key_resolver=resolver, component_resolver_class=resolver_class
    )
    try:
        verifier.verify(SimpleNamespace(method=method, url=url, headers=headers), max_age=None)
    except hms.HTTPMessageSignaturesException as exc:
        if isinstance(exc.__cause__, CryptoMismatch):
            raise _Mismatch("signature does not verify") from exc
        raise SignatureError(str(exc) or "malformed signature") from exc


def _check_content_digest(h: dict[str, str], body: bytes) -> None:
    if "content-digest" not in h:
        raise SignatureError("Content-Digest header required")
    try:
        hms.ContentDigest.verify(h["content-digest"], body)  # every sha-256/sha-512 member must match
    except hms.InvalidSignature as exc:
        raise SignatureError(str(exc)) from exc  # the library's reasons are short and client-safe


# shared ----------------------------------------------------------------------------------------


def _check_window(created: float, expires: float | None, now: float, skew: int) -> None:
    if created > now + skew:
        raise SignatureError("signature date is in the future")
    expires = created + _DEFAULT_VALIDITY if expires is None else expires
    if min(expires, created + _MAX_VALIDITY) < now - skew:
        raise SignatureError("signature has expired")


def _verify_bytes(key: PublicKey, signature: bytes, message: bytes) -> None:
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        else:
            key.verify(signature, message)  # hs2019 with an Ed25519 key
    except CryptoMismatch as exc:
        raise SignatureError("signature does not verify") from exc


def _decode_b64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("malformed signature value") from exc


def _lower(headers: Headers) -> dict[str, str]:
    return {name.lower(): value.strip() for name, value in headers.items()}


def _authority(url: str, explicit_port: bool = False) -> str:
    """host[:port] of `url`, the port only when not the scheme's default (unless asked for)."""
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError as exc:
        raise SignatureError("malformed request url") from exc
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    if port is None or (port == _DEFAULT_PORTS.get(parts.scheme) and not explicit_port):
        return host
    return f"{host}:{port}"


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
