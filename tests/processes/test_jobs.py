"""Exports, imports and scheduled posts run exactly once when several processes serve one
instance: each is leased by the process that runs it, and one that dies holding a lease leaves
the job to the others once the lease runs out (issue 12)."""

import asyncio
import time

from redfed.clock import new_id
from redfed.services.portability import background, exports, imports
from redfed.services.social import scheduled
from redfed.store.portability import exports as export_store
from redfed.store.portability import imports as import_store
from redfed.store.portability import job_leases
from redfed.store.social import scheduled as scheduled_store

from ..support.processes import another_process, at_once


def _two_processes(start_instance):
    first = start_instance("one")
    return first, another_process(start_instance, first, "two")


def _wait_for_state(process, get_job, job_id, states=("done", "failed")):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = process.run(get_job(process.runtime.db.reader, job_id))
        if job.state in states:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def _archives(*processes) -> list[str]:
    return [path.name for process in processes for path in (process.config.base_dir / "exports").glob("*.zip")]


def test_a_queued_export__is_taken_up_by_one_of_two_processes_looking_at_once(start_instance):
    one, two = _two_processes(start_instance)
    alice = one.create_user("alice").actor
    job = one.run(exports.request_export(one.ctx, alice, background=False))

    taken = at_once([one, two], lambda process: exports.take_up_abandoned(process.ctx))

    assert sorted(taken) == [0, 1]
    done = _wait_for_state(one, export_store.get_job, job.id)
    assert done.state == "done" and _archives(one, two) == [done.file_key]
    # Once done, no one takes it up again.
    assert at_once([one, two], lambda process: exports.take_up_abandoned(process.ctx)) == [0, 0]


def test_an_export_whose_process_died__waits_out_the_lease_then_another_process_builds_it(start_instance, clock):
    one, two = _two_processes(start_instance)
    alice = one.create_user("alice").actor
    # As a process that asked for the export and died before building it leaves it: leased, queued.
    job = one.run(_insert_leased_export(one, alice))

    assert two.run(exports.take_up_abandoned(two.ctx)) == 0
    assert two.run(exports.run_job(two.ctx, job.id)).state == "queued"

    clock.advance(background.LEASE_MS / 1000 + 1)
    assert two.run(exports.take_up_abandoned(two.ctx)) == 1
    assert _wait_for_state(two, export_store.get_job, job.id).state == "done"
    assert len(_archives(two)) == 1 and _archives(one) == []


def test_a_running_import__is_not_run_again_by_a_process_that_starts_meanwhile(start_instance):
    one, two = _two_processes(start_instance)
    alice = one.create_user("alice").actor
    one.create_user("bob")
    job = one.run(imports.request_import(one.ctx, alice, "blocks", "merge", b"bob\n", background=False))
    lease = one.run(_lease(one, "imports", job.id))

    assert two.run(imports.resume_interrupted(two.ctx)) == 0
    assert two.run(imports.run_job(two.ctx, job.id)).state == "queued"

    # The holder runs it under the lease it was given.
    assert one.run(imports.run_job(one.ctx, job.id, held=lease)).state == "done"
    assert two.run(import_store.get_job(two.runtime.db.reader, job.id)).imported == 1


def test_a_stopping_process__gives_its_jobs_back_for_the_next_start(start_instance):
    one, two = _two_processes(start_instance)
    alice = one.create_user("alice").actor
    job = one.run(exports.request_export(one.ctx, alice, background=False))
    lease = one.run(_lease(one, "exports", job.id))
    started = one.run(_start_build(one, job.id, lease))

    one.stop()

    assert started.cancelled()
    assert two.run(exports.take_up_abandoned(two.ctx)) == 1
    assert _wait_for_state(two, export_store.get_job, job.id).state == "done"


def test_a_process_that_stalled_past_its_lease__stops_once_it_sees_another_took_the_job_over(start_instance, clock):
    one, two = _two_processes(start_instance)
    alice = one.create_user("alice").actor
    job = one.run(exports.request_export(one.ctx, alice, background=False))
    lease = one.run(_lease(one, "exports", job.id))
    stalled = one.run(_start_build(one, job.id, lease))

    clock.advance(background.LEASE_MS / 1000 + 1)  # as if process one hung past its lease
    assert two.run(exports.take_up_abandoned(two.ctx)) == 1
    assert _wait_for_state(two, export_store.get_job, job.id).state == "done"

    deadline = time.monotonic() + background.RENEW_SECONDS + 5
    while not stalled.done() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stalled.done() and not stalled.cancelled() and stalled.exception() is None
    assert len(_archives(one, two)) == 1


def test_a_due_scheduled_post__is_published_once_by_two_workers_claiming_at_once(start_instance, clock):
    one, two = _two_processes(start_instance)
    alice = one.create_user("alice").actor
    at = one.ctx.now_ms() + scheduled.MIN_LEAD_MS + 1000
    one.run(scheduled.schedule(one.ctx, alice, {"text": "good morning", "visibility": "public"}, at))
    clock.advance(scheduled.MIN_LEAD_MS / 1000 + 2)

    published = at_once([one, two], lambda process: scheduled.publish_due(process.ctx))

    assert sorted(published) == [0, 1]
    assert one.run(_count_posts(one, alice.id)) == 1


def test_a_scheduled_post_claimed_by_a_worker_that_died__is_published_after_the_lease(start_instance, clock):
    one, two = _two_processes(start_instance)
    alice = one.create_user("alice").actor
    at = one.ctx.now_ms() + scheduled.MIN_LEAD_MS + 1000
    one.run(scheduled.schedule(one.ctx, alice, {"text": "later", "visibility": "public"}, at))
    clock.advance(scheduled.MIN_LEAD_MS / 1000 + 2)
    assert len(one.run(_claim_scheduled(one))) == 1  # and then the worker died

    assert two.run(scheduled.publish_due(two.ctx)) == 0
    clock.advance(scheduled.CLAIM_LEASE_MS / 1000 + 1)
    assert two.run(scheduled.publish_due(two.ctx)) == 1
    assert two.run(_count_posts(two, alice.id)) == 1


async def _insert_leased_export(process, actor):
    now = process.ctx.now_ms()
    async with process.runtime.db.transaction() as conn:
        return await export_store.insert_job(conn, new_id(now), actor.id, now, lease=now + background.LEASE_MS)


async def _lease(process, table, job_id):
    now = process.ctx.now_ms()
    async with process.runtime.db.transaction() as conn:
        assert await job_leases.claim(conn, table, job_id, now, now + background.LEASE_MS)
    return now + background.LEASE_MS


async def _start_build(process, job_id, lease):
    # A build in progress when the stop comes: it never gets past the wait.
    async def slow():
        await asyncio.Event().wait()

    return background.spawn(process.ctx, background.while_leased(process.ctx, "exports", job_id, lease, slow()))


async def _claim_scheduled(process):
    now = process.ctx.now_ms()
    async with process.runtime.db.transaction() as conn:
        return await scheduled_store.claim_due(conn, now, now + scheduled.CLAIM_LEASE_MS, 10)


async def _count_posts(process, actor_id):
    async with process.runtime.db.reader.execute("SELECT count(*) FROM posts WHERE actor_id = ?", (actor_id,)) as cursor:
        return (await cursor.fetchone())[0]
