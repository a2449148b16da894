"""The cyclic collector is paused for a job and put back as it was (fupin.core.collector)."""

import gc

import pytest

from fupin.core.collector import collector_paused


def test_the_collector_is_paused_inside_and_put_back_as_it_was():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller's own pause is not ended by a job's
    finally:
        gc.enable()
