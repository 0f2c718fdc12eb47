"""What a process keeps in memory follows changes made through another process of the instance
(issue 12): the domain blocks every inbox POST and fetch asks about reach the other processes
within a second, both ways."""

import time

from redfed.services.moderation import domain_blocks
from redfed.services.moderation.domain_blocks import BlockFields

from ..support.processes import another_process

SPAMMER = "https://spam.example/users/mallory"


def _seconds_until(condition) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < 5, "not seen within 5 s"
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_domain_block_made_through_one_process__is_enforced_by_another_within_a_second(start_instance):
    one = start_instance("one")
    two = another_process(start_instance, one, "two")
    assert not two.ctx.domains.is_suspended(SPAMMER)

    block = one.run(domain_blocks.block_domain(one.ctx, "spam.example", BlockFields(severity="suspend")))
    assert _seconds_until(lambda: two.ctx.domains.is_suspended(SPAMMER)) < 1.5

    one.run(domain_blocks.lift_block(one.ctx, block.id))
    assert _seconds_until(lambda: not two.ctx.domains.is_suspended(SPAMMER)) < 1.5

