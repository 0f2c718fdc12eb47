"""`redfed import-posts USER OLD_ACCOUNT`: the posts of an account that moved to USER, pulled
from its old server through the real entry point, against live instances' files."""

from .support import api
from .test_cli_moves import _redfed


def test_import_posts__from_the_command_line(start_instance):
    a, b = start_instance("a"), start_instance("b")
    old, new = a.create_user("alice").actor, b.create_user("alice").actor
    api.client(a, "alice").status_post("from the old days")

    refused = _redfed(b, "import-posts", "alice", f"alice@{a.domain}")
    assert refused.returncode == 1
    assert refused.stderr == f"redfed: alice@{a.domain} is not an alias of this account: only posts of an account you list as an alias can be imported\n"
    assert _redfed(b, "alias", "add", "alice", old.uri).returncode == 0
    not_moved = _redfed(b, "import-posts", "alice", old.uri)
    assert (not_moved.returncode, not_moved.stderr) == (1, f"redfed: alice@{a.domain} has not moved to this account\n")
    assert _redfed(a, "move", "alice", new.uri).returncode == 0

    pulled = _redfed(b, "import-posts", "alice", old.uri)
    assert (pulled.returncode, pulled.stdout) == (0, "imported 1 of 1; 0 failed\n"), pulled.stderr
    [post] = api.client(b, "alice").account_statuses(new.id)
    assert "from the old days" in post["content"]
    again = _redfed(b, "import-posts", "alice", old.uri)
    assert again.stdout == "imported 1 of 1; 0 failed\n"
    assert len(api.client(b, "alice").account_statuses(new.id)) == 1
    unknown = _redfed(b, "import-posts", "nobody", old.uri)
    assert (unknown.returncode, unknown.stderr) == (1, "redfed: no local user named 'nobody'\n")
