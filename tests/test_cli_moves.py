"""`redfed alias add|remove|list USER HANDLE` and `redfed move USER TARGET`, through the real entry
point, against live instances' files."""

import subprocess
import sys

from .support.http import AP, get


def _config_file(instance):
    return instance.config_file()


def _redfed(instance, *args):
    command = [sys.executable, "-m", "redfed", "--config", str(_config_file(instance)), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_alias_and_move__from_the_command_line(start_instance):
    a, b = start_instance("a"), start_instance("b")
    old, new = a.create_user("alice").actor, b.create_user("alice").actor

    added = _redfed(b, "alias", "add", "alice", f"alice@{a.domain}")
    assert (added.returncode, added.stdout) == (0, f"{old.uri}\n"), added.stderr
    assert _redfed(b, "alias", "list", "alice").stdout == f"{old.uri}\n"
    assert get(b.url("/users/alice"), headers=AP).json()["alsoKnownAs"] == [old.uri]

    moved = _redfed(a, "move", "alice", f"alice@{b.domain}")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout == f"alice@{a.domain} moved to {new.uri}; the Move is queued for its followers\n"
    assert get(a.url("/users/alice"), headers=AP).json()["movedTo"] == new.uri

    again = _redfed(a, "move", "alice", f"alice@{b.domain}")
    assert (again.returncode, again.stderr) == (1, f"redfed: this account has already moved to alice@{b.domain}\n")
    removed = _redfed(b, "alias", "remove", "alice", old.uri)
    assert (removed.returncode, removed.stdout) == (0, "")


def test_alias__mistakes_are_one_line_and_exit_1(instance):
    instance.create_user("alice")
    unknown = _redfed(instance, "alias", "add", "nobody", "x@example.com")
    assert (unknown.returncode, unknown.stderr) == (1, "redfed: no such account\n")
    not_alias = _redfed(instance, "alias", "remove", "alice", "https://elsewhere.example/users/x")
    assert (not_alias.returncode, not_alias.stderr) == (1, "redfed: https://elsewhere.example/users/x is not an alias of this account\n")
    bad = _redfed(instance, "move", "alice", "not a handle")
    assert bad.returncode == 1 and bad.stderr.startswith("redfed: give the account as user@host")
