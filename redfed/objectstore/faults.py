"""A bucket that cannot be reached is a temporary condition, not a crash (layer 2).

Clients are told to come back (503 with Retry-After) and the operator gets one warning a minute,
with the credentials cut out of whatever the client library said.
"""

import logging
import time

from ..errors import ServiceUnavailable

log = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0
RETRY_AFTER_SECONDS = 30
MESSAGE = "the server cannot reach its file storage right now, try again later"

_last_warned = [-WARN_EVERY_SECONDS]


class BucketUnavailable(ServiceUnavailable):
    """The bucket did not answer, or answered with an error that is not about one missing file."""

    retry_after = RETRY_AFTER_SECONDS

    def __init__(self, cause: str):
        super().__init__(MESSAGE)
        self.cause = cause


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def unavailable(error: BaseException, secrets: tuple[str, ...]) -> BucketUnavailable:
    """The 503 for `error`, warned about at most once a minute."""
    fault = BucketUnavailable(redact(f"{type(error).__name__}: {error}", secrets))
    now = time.monotonic()
    if now - _last_warned[0] >= WARN_EVERY_SECONDS:
        _last_warned[0] = now
        log.warning("file storage unavailable: %s (clients get 503 until it clears; repeats muted for a minute)", fault.cause)
    return fault
