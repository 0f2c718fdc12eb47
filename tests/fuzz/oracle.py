"""What the fuzzer checks after every input: no 5xx, no crash logged by the server (a request or
the inbox worker), and the server still answering.

A crash is read from the server's own log (the instance runs in this process): redfed logs every
unexpected exception once, at the face (`web/errors.py`) or in the inbox worker, with its
traceback. `ServerLog` keeps those records; `Crash` names one by exception type and the innermost
redfed frame, which is what tells two causes apart.

Each distinct crash fails the example with an exception class of its own, so that hypothesis
shrinks and reports each cause separately instead of stopping at the first.
"""

import logging
import threading
import traceback
from dataclasses import dataclass
from pathlib import PurePath

from ..support.http import Reply, get

REDFED = PurePath(__file__).parents[2] / "redfed"


@dataclass(frozen=True)
class Crash:
    """One unexpected exception the server logged: its type and the innermost redfed frame."""

    kind: str
    where: str  # path inside redfed/ and the function, e.g. "store/posts.py get_post"
    message: str

    def __str__(self) -> str:
        return f"{self.kind} at {self.where}: {self.message}"


class ServerFailure(AssertionError):
    """An input made the server answer 5xx or crash. Subclassed once per distinct cause."""


class UnboundedEcho(ServerFailure):
    """An answer whose headers grew with the input (issue 25: a 36 KB Link, a 37 KB Location)."""


_failure_classes: dict[tuple[str, str], type[ServerFailure]] = {}


def failure_class(crash: Crash | None) -> type[ServerFailure]:
    """The same class for the same cause, a new one for a new cause (hypothesis tells failures
    apart by their exception type)."""
    key = (crash.kind, crash.where) if crash else ("5xx", "no crash logged")
    if key not in _failure_classes:
        name = f"{key[0]} at {key[1]}"
        _failure_classes[key] = type(name, (ServerFailure,), {"__module__": __name__})
    return _failure_classes[key]


def _innermost_redfed_frame(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if PurePath(f.filename).is_relative_to(REDFED)]
    if not frames:
        return "outside redfed"
    frame = frames[-1]
    return f"{PurePath(frame.filename).relative_to(REDFED).as_posix()} {frame.name}"


class ServerLog(logging.Handler):
    """Collects the crashes redfed logs (records at ERROR or above that carry an exception)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self._crashes: list[Crash] = []
        self._lock_crashes = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if not (record.exc_info and record.exc_info[1] and record.name.startswith("redfed")):
            return
        error = record.exc_info[1]
        crash = Crash(type(error).__name__, _innermost_redfed_frame(error), str(error)[:200])
        with self._lock_crashes:
            self._crashes.append(crash)

    def take(self) -> list[Crash]:
        """The crashes logged since the last call."""
        with self._lock_crashes:
            crashes, self._crashes = self._crashes, []
        return crashes

    def __enter__(self) -> "ServerLog":
        logging.getLogger("redfed").addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger("redfed").removeHandler(self)


def check(log: ServerLog, what: str, *replies: Reply) -> None:
    """Fail the example if any reply is a 5xx or the server logged a crash meanwhile."""
    crashes = log.take()
    errors = [r for r in replies if r.status >= 500]
    if crashes or errors:
        first = crashes[0] if crashes else None
        statuses = ", ".join(str(r.status) for r in replies)
        raise failure_class(first)(f"{what} -> {statuses}; crashes logged: {[str(c) for c in crashes]}")


def check_headers_bounded(what: str, reply: Reply, limit: int = 8192) -> None:
    size = sum(len(name) + len(str(value)) for name, value in reply.headers.items())
    if size > limit:
        raise UnboundedEcho(f"{what} -> {size} bytes of headers")


def check_still_answering(log: ServerLog, base_url: str, paths: list[str], headers: dict | None = None) -> None:
    """After the fuzzing: the server is up and every path in `paths` answers 200."""
    for path in paths:
        reply = get(base_url + path, headers=headers)
        check(log, f"GET {path} afterwards", reply)
        assert reply.status == 200, (path, reply.status, reply.body[:300])
