"""`redfed user reset-password` and `redfed user approve`, run as the operator runs them."""

import re

from .test_cli import assert_one_line_error, initialised, redfed  # noqa: F401 (a fixture)


def test_reset_password__prints_a_one_time_link(initialised):
    assert redfed("--config", str(initialised), "user", "create", "alice", "--email", "a@example.com").returncode == 0
    result = redfed("--config", str(initialised), "user", "reset-password", "alice")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"http://127\.0\.0\.1:8001/auth/reset_password\?token=[\w-]{40,}\n", result.stdout)
    second = redfed("--config", str(initialised), "user", "reset-password", "alice")
    assert second.stdout != result.stdout
    assert_one_line_error(redfed("--config", str(initialised), "user", "reset-password", "nobody"), "nobody")


def test_approve__refuses_an_account_that_is_not_pending(initialised):
    assert redfed("--config", str(initialised), "user", "create", "alice", "--email", "a@example.com").returncode == 0
    assert_one_line_error(redfed("--config", str(initialised), "user", "approve", "alice"), "not awaiting approval")
    assert_one_line_error(redfed("--config", str(initialised), "user", "approve", "nobody"), "nobody")
