"""What every face needs from the running instance (layer 6).

`create_app` stores one `Runtime` in `app.extensions["redfed"]` when the instance has started;
faces read it through `runtime()` instead of module globals, which is what lets a test run several
instances in one process.
"""

from collections.abc import Callable
from dataclasses import dataclass

from quart import current_app

from ..config import Config
from ..db.api import Database
from ..services.context import Context
from ..services.insights.views import ViewCounter
from ..services.operations.metrics import Metrics
from ..urls import Urls


@dataclass(frozen=True)
class Runtime:
    config: Config
    db: Database
    urls: Urls
    services: Context
    wake_workers: Callable[[], None]
    metrics: Metrics
    # Views of posts and profiles, counted in memory and flushed by a task (services/insights).
    views: ViewCounter


def runtime() -> Runtime:
    return current_app.extensions["redfed"]
