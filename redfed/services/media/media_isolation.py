"""Running a decoder over a stranger's bytes in a process of its own (layer 4, blocking code: run
it in a thread).

The process is killed when it runs over its time budget, is limited in address space, and gives
its memory back to the system when it ends. It answers with the work's result, or a Refusal: the
client's message for an Unprocessable, FILE_TYPE_ERROR for any other error of the decoder. A
process that ends without answering was killed by a signal (the file's doing: refused) or could
not start (ours: 503).
"""

import contextlib
import logging
import math
import multiprocessing
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ...errors import RedfedError, ServiceUnavailable, Unprocessable
from .media_files import FILE_TYPE_ERROR

log = logging.getLogger(__name__)

# A fork server started once, with the decoders loaded: a decoding process starts in a few
# milliseconds, and never as a fork of the threaded server.
_PROCESSES = multiprocessing.get_context("forkserver")
_PROCESSES.set_forkserver_preload(["redfed.services.media.media_images", "redfed.services.media.media_video"])


@dataclass(frozen=True)
class Refusal:
    """What an isolated process answers instead of a result: the client's message, and our reason."""

    message: str
    reason: str


def run_isolated(work: Callable[..., Any], args: tuple, *, seconds: float, memory_bytes: int, what: str, too_slow: str) -> Any:
    """`work(*args)` in a process of its own; Unprocessable(`too_slow`) past `seconds`."""
    receiver, sender = _PROCESSES.Pipe(duplex=False)
    child = _PROCESSES.Process(target=_run_in_child, args=(sender, work, args, seconds, memory_bytes), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            log.info("refused %s: it took over %s s", what, seconds)
            raise Unprocessable(too_slow)
        outcome = receiver.recv()
    except (EOFError, OSError):
        child.join(1)  # it closed the pipe on its way out: let it finish, so its exit code tells why
        outcome = None
    finally:
        child.kill()
        child.join()
        receiver.close()
    if outcome is None:
        raise _died(child.exitcode, what)
    if isinstance(outcome, Refusal):
        log.info("refused %s: %s", what, outcome.reason)
        raise Unprocessable(outcome.message)
    return outcome


def _died(exitcode: int | None, what: str) -> RedfedError:
    if exitcode is not None and exitcode > 0:
        log.error("a decoding process for %s could not start (exit code %s): a program that runs redfed "
                  "must guard its entry point with `if __name__ == \"__main__\":`", what, exitcode)
        return ServiceUnavailable("media cannot be processed right now, try again later")
    log.info("refused %s: its decoding process died (exit code %s)", what, exitcode)
    return Unprocessable(FILE_TYPE_ERROR)


def _run_in_child(sender: Connection, work: Callable[..., Any], args: tuple, seconds: float, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # Ends this process even when the server that would kill it is gone (SIGALRM's default action).
    signal.alarm(math.ceil(seconds) + 1)
    try:
        outcome = work(*args)
    except Unprocessable as error:
        outcome = Refusal(error.message, error.message)
    except Exception as error:  # noqa: BLE001 - decoders raise every kind of error on bad input
        outcome = Refusal(FILE_TYPE_ERROR, f"{type(error).__name__}: {error}"[:300])
    with contextlib.suppress(BrokenPipeError):  # the server is gone: nobody to tell
        sender.send(outcome)
    sender.close()
