"""An import a stop interrupted carries on when the instance starts again, from the rows it had
not done; a half-written upload left by the stop is cleared, and so is an archive saved whole just
before the stop but never recorded as a job (issue 28)."""

from redfed.services.portability import imports
from redfed.store.portability import imports as import_store

from ..support import api
from .archives import mastodon_archive
from .support import finished


def test_queued_and_half_done_imports__finish_after_a_restart(start_instance):
    a = start_instance("a")
    alice = a.create_user("alice").actor
    a.create_user("bob"), a.create_user("carol")
    blocks = a.run(imports.request_import(a.ctx, alice, "blocks", "merge", b"bob\ncarol\nnobody\n", background=False))
    archive = a.run(imports.request_import(a.ctx, alice, "archive", "merge", mastodon_archive(), background=False))
    leftover = a.config.base_dir / "imports" / "tmp" / ".half.zip.part"  # an upload being received
    leftover.write_bytes(b"PK")
    unrecorded = a.config.base_dir / "imports" / f"{'u' * 32}.zip"
    unrecorded.write_bytes(mastodon_archive())
    a.stop()

    again = start_instance("a", port=a.port)
    token = api.token_for(again, "alice")
    done = finished(again, token, str(blocks.id))
    assert (done["state"], done["imported"], [r["row"] for r in done["report"]]) == ("done", 2, [3])
    assert {x["username"] for x in api.client(again, "alice").blocks()} == {"bob", "carol"}
    done = finished(again, token, str(archive.id))
    assert (done["state"], done["imported"]) == ("done", 3)
    assert len(api.client(again, "alice").account_statuses(alice.id)) == 3
    assert not leftover.exists() and not unrecorded.exists()
    assert [path for path in (again.config.base_dir / "imports").rglob("*") if path.is_file()] == []
    # The archive is not kept once its job is over.
    assert [path for path in (again.config.base_dir / "imports").rglob("*") if path.is_file()] == []
    assert again.run(import_store.get_job(again.runtime.db.reader, archive.id)).file_key is None
