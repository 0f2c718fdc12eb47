"""How far a reader of the stream event log has got (layer 4, pure).

Event ids are handed out as rows are inserted, but a transaction that took an id may commit after
one that took a later id: on PostgreSQL, where writers run at once, "every id above the last one
seen" can step over an event that is not committed yet. So a jump in the ids leaves holes; each
hole is looked for again on later reads, for HOLD_SECONDS, then given up (a transaction that
rolled back leaves a hole that never fills). On SQLite, with one writer at a time, there are no
holes and this is a plain "last id seen".
"""

import time
from collections.abc import Callable, Iterable
from typing import Protocol

HOLD_SECONDS = 10.0
MAX_HOLES = 1_000  # a wider jump gives up the holes furthest back


class Event(Protocol):
    id: int


class EventCursor:
    def __init__(self, last_id: int, *, clock: Callable[[], float] = time.monotonic):
        self.last_id = last_id  # the highest id taken
        self.holes: dict[int, float] = {}  # id below last_id not seen yet → when it was first missed
        self._clock = clock

    def take(self, events: Iterable[Event]) -> list:
        """The events not taken before (read above `last_id`, or filling `holes`), in id order."""
        now = self._clock()
        fresh = []
        for event in sorted(events, key=lambda e: e.id):
            if self.holes.pop(event.id, None) is not None:
                fresh.append(event)
            elif event.id > self.last_id:
                self._leave_holes(self.last_id, event.id, now)
                self.last_id = event.id
                fresh.append(event)
        self.holes = {hole: since for hole, since in self.holes.items() if now - since < HOLD_SECONDS}
        if len(self.holes) > MAX_HOLES:
            self.holes = dict(sorted(self.holes.items())[-MAX_HOLES:])
        return fresh

    def _leave_holes(self, below: int, above: int, now: float) -> None:
        for hole in range(max(below, above - MAX_HOLES - 1) + 1, above):
            self.holes[hole] = now
