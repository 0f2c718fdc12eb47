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
from hypothesis import HealthCheck, Phase, example, given, seed, settings
from hypothesis import strategies as st

from .oracle import ServerFailure

SECONDS = float(os.environ.get("REDFED_FUZZ_SECONDS") or 0)
ROUND_EXAMPLES = 200  # examples per seed when fuzzing for a time

_COMMON = dict(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
# CI only detects (shrinking a failure takes minutes); fuzzing by hand shrinks to minimal inputs.
CI = settings(derandomize=True, database=None, phases=[Phase.explicit, Phase.generate], **_COMMON)
BY_HAND = settings(derandomize=False, max_examples=ROUND_EXAMPLES, **_COMMON)

# Room for the whole budget, shrinking and the checks after it (pytest's default is 120 s a test).
time_limit = pytest.mark.timeout(180 + 3 * SECONDS)


def fuzz(surface: str, strategy: st.SearchStrategy, check, *, examples: int, corpus: tuple = ()) -> None:
    """Run `check(example)` on each input of `corpus` (inputs that broke redfed before: a fuzzer's
    seed corpus), then on examples drawn from `strategy`: `examples` of them derandomised, or for
    REDFED_FUZZ_SECONDS with random seeds."""
    tried = [0]

    def counted(example):
        tried[0] += 1
        check(example)

    def given_corpus(test, corpus=corpus):
        def fresh(example_):  # a new function each round: @example marks the function it decorates
            test(example_)

        for known in corpus:
            fresh = example(known)(fresh)
        return given(strategy)(fresh)

    started = time.monotonic()
    if not SECONDS:
        _run(settings(CI, max_examples=examples)(given_corpus(counted)))
        return
    base = int(os.environ.get("REDFED_FUZZ_SEED") or random.randrange(2**32))
    rounds, found = 0, {}
    try:
        while time.monotonic() - started < SECONDS:
            try:
                _run(seed(base + rounds)(settings(BY_HAND)(given_corpus(counted, corpus if rounds == 0 else ()))))
            except ServerFailure as failure:  # keep fuzzing; report every distinct cause at the end
                for leaf in _leaves(failure.__cause__) if isinstance(failure.__cause__, BaseExceptionGroup) else [failure]:
                    found.setdefault(type(leaf).__name__, leaf)
            rounds += 1
    finally:
        print(f"\nfuzz {surface}: seed {base}, {rounds} rounds, {tried[0]} inputs in {time.monotonic() - started:.0f} s")
    if found:
        for leaf in found.values():
            print(f"\n{type(leaf).__name__}: {leaf}", *getattr(leaf, "__notes__", []), sep="\n  ")
        raise ServerFailure(f"{len(found)} distinct failures: " + "; ".join(found))


def _run(test) -> None:
    """Run a hypothesis test. Several distinct failures (an exception group from hypothesis) become
    one ServerFailure."""
    try:
        test()
    except BaseExceptionGroup as group:
        leaves = _leaves(group)
        if not all(isinstance(leaf, ServerFailure) for leaf in leaves):
            raise
        raise ServerFailure(f"{len(leaves)} distinct failures: " + "; ".join(type(leaf).__name__ for leaf in leaves)) from group


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    found = []
    for error in group.exceptions:
        found.extend(_leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return found
