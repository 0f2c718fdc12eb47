"""A clock tests can move forward. Instances of one test share it, so signatures made on one
"day" are verified on the same day by the others."""

import time


class Clock:
    def __init__(self):
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
