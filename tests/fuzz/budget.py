"""How long each surface is fuzzed, and with which seed.

In CI (the default) every surface runs a fixed number of examples with hypothesis derandomised:
the same inputs on every run, a few seconds per surface, nothing written to `.hypothesis/`.

By hand, `REDFED_FUZZ_SECONDS=600 python -m pytest -n0 -s tests/fuzz` fuzzes each surface for
that many seconds with random inputs, in rounds of fresh seeds derived from one printed base seed;
`REDFED_FUZZ_SEED=<seed>` replays a run. Each surface prints how many inputs it tried.
"""

import os
import random
import time

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from .oracle import KnownCause

SECONDS = float(os.environ.get("REDFED_FUZZ_SECONDS") or 0)
ROUND_EXAMPLES = 200  # examples per seed when fuzzing for a time

_COMMON = dict(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
CI = settings(derandomize=True, database=None, **_COMMON)
BY_HAND = settings(derandomize=False, max_examples=ROUND_EXAMPLES, **_COMMON)

known_causes = pytest.mark.xfail(
    raises=KnownCause, strict=False,
    reason="issue 25 causes, fixed on other branches (remove this mark once they are merged)",
)


def fuzz(surface: str, strategy: st.SearchStrategy, check, *, examples: int) -> None:
    """Run `check(example)` on examples drawn from `strategy`: `examples` of them derandomised, or
    for REDFED_FUZZ_SECONDS with random seeds."""
    tried = [0]

    def counted(example):
        tried[0] += 1
        check(example)

    started = time.monotonic()
    if not SECONDS:
        _run(settings(CI, max_examples=examples)(given(strategy)(counted)))
        return
    base = int(os.environ.get("REDFED_FUZZ_SEED") or random.randrange(2**32))
    rounds = 0
    try:
        while time.monotonic() - started < SECONDS:
            _run(seed(base + rounds)(settings(BY_HAND)(given(strategy)(counted))))
            rounds += 1
    finally:
        print(f"\nfuzz {surface}: seed {base}, {rounds} rounds, {tried[0]} inputs in {time.monotonic() - started:.0f} s")


def _run(test) -> None:
    """Run a hypothesis test; when every distinct failure it found is a known cause, say so with
    one KnownCause (hypothesis reports several failures as an exception group)."""
    try:
        test()
    except BaseExceptionGroup as group:
        leaves = _leaves(group)
        if leaves and all(isinstance(leaf, KnownCause) for leaf in leaves):
            raise KnownCause(f"{len(leaves)} known causes: " + "; ".join(type(leaf).__name__ for leaf in leaves)) from group
        raise


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    found = []
    for error in group.exceptions:
        found.extend(_leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return found
