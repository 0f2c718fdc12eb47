"""`redfed domain block | unblock | list`: the operator's domain blocks from the command line."""

from .test_cli import assert_one_line_error, initialised, redfed  # noqa: F401 (fixture)


def test_domain_block__blocks_lists_and_unblocks(initialised):
    config = str(initialised)

    blocked = redfed("--config", config, "domain", "block", "Spam.Example", "--severity", "suspend", "--reason", "spam")
    assert blocked.returncode == 0, blocked.stderr
    assert blocked.stdout.strip() == "spam.example suspended"
    silenced = redfed("--config", config, "domain", "block", "noisy.example", "--severity", "silence")
    assert silenced.stdout.strip() == "noisy.example silenced"

    listed = redfed("--config", config, "domain", "list")
    assert listed.stdout.splitlines() == ["noisy.example\tsilence\t-", "spam.example\tsuspend\tspam"]

    unblocked = redfed("--config", config, "domain", "unblock", "SPAM.example")
    assert unblocked.returncode == 0 and unblocked.stdout.strip() == "spam.example unblocked"
    assert redfed("--config", config, "domain", "list").stdout.splitlines() == ["noisy.example\tsilence\t-"]


def test_domain_block__bad_input_is_one_line_and_changes_nothing(initialised):
    config = str(initialised)
    redfed("--config", config, "domain", "block", "spam.example")

    assert_one_line_error(redfed("--config", config, "domain", "block", "spam.example"), "already imposed")
    assert_one_line_error(redfed("--config", config, "domain", "block", "not a domain"), "not a valid domain")
    assert_one_line_error(redfed("--config", config, "domain", "unblock", "other.example"), "is not blocked")
    assert_one_line_error(redfed("--config", config, "domain", "block", "127.0.0.1:8001"), "this server's own")
    wrong = redfed("--config", config, "domain", "block", "x.example", "--severity", "obliterate")
    assert wrong.returncode != 0 and "invalid choice" in wrong.stderr

    assert redfed("--config", config, "domain", "list").stdout.splitlines() == ["spam.example\tsuspend\t-"]


def test_domain_block__reaches_a_running_instance_within_a_worker_round(instance):
    config = instance.config_file()
    assert not instance.node.domains.is_suspended("https://spam.example/users/x")

    blocked = redfed("--config", str(config), "domain", "block", "spam.example")
    assert blocked.returncode == 0, blocked.stderr
    instance.drain()  # a worker round reloads the blocks another process wrote

    assert instance.node.domains.is_suspended("https://spam.example/users/x")
