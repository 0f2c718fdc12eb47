"""Shared fixtures: configs on temporary folders, migrated databases, live instances on loopback."""

import pytest
from hypothesis import HealthCheck, settings

from redfed.db.databases import database_for, database_url
from redfed.db.migrate import migrate_database

from .support import databases
from .support.clock import Clock
from .support.instance import LiveInstance, make_config

# Property tests run beside live instances on a loaded 2-core machine: no per-example deadline and
# no "generation is slow" check, which only measure the load; derandomised, so that a failure in CI
# replays as it happened. `pytest --hypothesis-profile=explore` draws new examples each run.
_PROPERTIES = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", derandomize=True, database=None, **_PROPERTIES)
settings.register_profile("explore", **_PROPERTIES)
settings.load_profile("ci")


@pytest.fixture
def config(tmp_path):
    """A config for an instance at http://127.0.0.1:8000 whose files live in tmp_path."""
    return make_config(tmp_path, "http://127.0.0.1:8000")


@pytest.fixture
async def db(config):
    await migrate_database(database_url(config))
    async with database_for(database_url(config)) as database:
        yield database


@pytest.fixture(autouse=True)
def _drop_test_databases():
    """On PostgreSQL, each test's databases go when it ends (on SQLite, with its folder)."""
    yield
    databases.drop_created()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def start_instance(tmp_path, clock):
    """Start live instances: `start_instance("a")`, each with its own folder, port and database,
    all on the test's clock."""
    started = []

    def start(name: str = "a", port: int = 0, **sections) -> LiveInstance:
        instance = LiveInstance(tmp_path / name, clock, port, **sections).start()
        started.append(instance)
        return instance

    yield start
    for instance in started:
        if not instance.stopped:
            instance.stop()


@pytest.fixture
def instance(start_instance) -> LiveInstance:
    return start_instance("a")
