"""warmup.use: a pool lent to the runs of a block; its owner, not `stop`, ends it."""

from bwklib.build import warmup


class Pool:
    """Stands in for a ProcessPoolExecutor: `stop` would have to call shutdown on it."""

    def __init__(self):
        self.shut = False

    def shutdown(self, *args, **kwargs):
        self.shut = True


def test_a_lent_pool_is_current_within_the_block_and_outlives_stop():
    assert warmup.current() is None
    lent, inner = Pool(), Pool()
    with warmup.use(lent) as pool:
        assert pool is lent and warmup.current() is lent
        with warmup.use(inner):
            assert warmup.current() is inner
        assert warmup.current() is lent
        warmup.stop()  # what `bwk run` does at its end: its own pool only
        assert warmup.current() is lent and not lent.shut
    assert warmup.current() is None and not lent.shut and not inner.shut
