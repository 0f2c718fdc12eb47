"""Bar charts drawn on the server (layer 6): the geometry of an SVG bar chart from a series of
(label, value), for templates/settings/_chart.html. No script runs in the reader's browser."""

from dataclasses import dataclass

WIDTH, HEIGHT = 300, 100
GAP = 0.2  # of each bar's slot left empty, so neighbouring bars stay apart


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bars(series: list[tuple[str, int]]) -> list[Bar]:
    """One bar per point, scaled so the largest value fills the chart's height."""
    top = max((value for _, value in series), default=0) or 1
    slot = WIDTH / max(len(series), 1)
    found = []
    for index, (label, value) in enumerate(series):
        height = HEIGHT * value / top
        found.append(Bar(round(index * slot + slot * GAP / 2, 2), round(HEIGHT - height, 2),
                         round(slot * (1 - GAP), 2), round(height, 2), label, value))
    return found
