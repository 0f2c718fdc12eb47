"""Liveness and readiness as orchestrators probe them: /health answers while the process serves;
/health/ready answers 200 only when the database answers with every migration applied, the media
store can be written and some process runs the queue workers, and 503 naming what is wrong."""

import asyncio
import shutil

from ..support import databases
from ..support.http import get
from .scrapes import TOKEN, WITH_TOKEN

OPERATOR = {"Authorization": f"Bearer {TOKEN}"}


def _ready(instance):
    """As the operator probes it, with the metrics token: each check with its detail."""
    reply = get(instance.url("/health/ready"), headers=OPERATOR)
    return reply.status, {name: check["ok"] for name, check in reply.json()["checks"].items()}, reply


def _beat(instance):
    """A worker round's heartbeat, as `redfed worker` or in-process workers leave it."""
    instance.run(instance.node.heartbeat.beat())


def test_health__alive_and_ready_once_a_worker_runs(start_instance):
    a = start_instance("a", **WITH_TOKEN)
    alive = get(a.url("/health"))
    assert (alive.status, alive.text) == (200, "OK")  # as Mastodon answers, which its clients check

    status, checks, reply = _ready(a)
    assert status == 503 and reply.headers["Retry-After"]
    assert checks == {"database": True, "migrations": True, "workers": False, "media": True}
    assert "redfed worker" in reply.json()["checks"]["workers"]["detail"]
    # A stranger learns what is unwell, not the details (addresses, drivers' messages).
    public = get(a.url("/health/ready"))
    assert public.status == 503 and public.json()["checks"]["workers"] == {"ok": False}

    _beat(a)
    status, checks, reply = _ready(a)
    assert (status, reply.json()["status"]) == (200, "ready")
    assert all(checks.values())


def test_health__in_process_workers_make_the_instance_ready_by_themselves(start_instance):
    a = start_instance("a", workers={"in_process": True}, **WITH_TOKEN)
    for _ in range(100):  # the first worker round beats at once; bounded, never a fixed sleep
        if _ready(a)[0] == 200:
            break
        a.run(asyncio.sleep(0.05))
    assert _ready(a)[0] == 200


def test_health__not_ready_while_a_migration_is_missing(start_instance):
    a = start_instance("a", **WITH_TOKEN)
    _beat(a)

    async def forget_newest():
        async with a.runtime.db.transaction() as conn:
            await conn.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")

    a.run(forget_newest())
    status, checks, reply = _ready(a)
    assert status == 503 and checks["migrations"] is False
    assert "redfed migrate" in reply.json()["checks"]["migrations"]["detail"]


def test_health__not_ready_when_the_media_folder_cannot_be_written(start_instance):
    a = start_instance("a", **WITH_TOKEN)
    _beat(a)
    media = a.config.media_path
    shutil.rmtree(media, ignore_errors=True)
    media.write_text("a file where the media folder should be")

    status, checks, reply = _ready(a)
    assert status == 503 and checks == {"database": True, "migrations": True, "workers": True, "media": False}
    assert "media storage" in reply.json()["checks"]["media"]["detail"]
    assert get(a.url("/health")).status == 200  # alive all the same: a restart would not help


@databases.only_on_postgresql
def test_health__not_ready_while_the_database_is_unreachable_then_ready_again(start_instance):
    a = start_instance("a", **WITH_TOKEN)
    _beat(a)
    name = a.config.database.url.rpartition("/")[2]
    databases.run_on_server(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    databases.run_on_server(f"SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '{name}'")
    try:
        status, checks, reply = _ready(a)
        assert status == 503 and checks["database"] is False
        assert reply.json()["status"] == "unavailable"
        assert get(a.url("/health")).status == 200
    finally:
        databases.run_on_server(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert _ready(a)[0] == 200
