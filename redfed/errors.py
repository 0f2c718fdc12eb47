"""Exception hierarchy (layer 0).

Every error carries the HTTP status a face should answer with and a message that is safe to show a
client. Domain code raises these; only the web layer turns them into responses.
"""


class RedfedError(Exception):
    status = 500
    default_message = "internal error"

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message
        super().__init__(self.message)


class BadRequest(RedfedError):
    status = 400
    default_message = "bad request"


class Unauthorized(RedfedError):
    status = 401
    default_message = "unauthorized"


class Forbidden(RedfedError):
    status = 403
    default_message = "forbidden"


class NotFound(RedfedError):
    status = 404
    default_message = "not found"


class NotAcceptable(RedfedError):
    status = 406
    default_message = "not acceptable"


class Conflict(RedfedError):
    status = 409
    default_message = "conflict"


class Gone(RedfedError):
    status = 410
    default_message = "gone"


class PayloadTooLarge(RedfedError):
    status = 413
    default_message = "payload too large"


class UriTooLong(RedfedError):
    status = 414
    default_message = "the address is too long"


class UnsupportedMediaType(RedfedError):
    status = 415
    default_message = "unsupported media type"


class Unprocessable(RedfedError):
    status = 422
    default_message = "validation failed"


class TooManyRequests(RedfedError):
    status = 429
    default_message = "too many requests"


class ServiceUnavailable(RedfedError):
    status = 503
    default_message = "service unavailable, try again later"


class ConfigError(RedfedError):
    """The instance configuration is unusable; the message names the key."""


class SignatureError(Unauthorized):
    """An HTTP signature is missing, malformed, stale or does not verify."""

    default_message = "invalid signature"


class FetchError(RedfedError):
    """An outgoing request failed: refused address, timeout, oversized or unusable response."""

    status = 502
    default_message = "remote fetch failed"


class AddressRefused(FetchError):
    """The target resolves to a private, loopback or otherwise non-public address."""

    default_message = "refusing to connect to a non-public address"
