"""What every face needs from the running app: config, database, URL builder (layer 6).

`create_app` stores one `Runtime` in `app.extensions["redfed"]`; faces read it through `runtime()`
instead of module globals, which is what lets a test run several instances in one process.
"""

from dataclasses import dataclass

from quart import current_app

from ..config import Config
from ..db.connection import Database
from ..urls import Urls


@dataclass(frozen=True)
class Runtime:
    config: Config
    db: Database
    urls: Urls


def runtime() -> Runtime:
    return current_app.extensions["redfed"]
