"""Waiting, from a synchronous test, for something another thread or process does."""

import time

import pytest


def wait_until(condition, what: str, seconds: float = 60):
    """`condition()`'s first true value, looked at every 50 ms; the test fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.05)
    pytest.fail(f"waited {seconds} s for {what}")
