"""kim.figure_cache keeps unpickled values per process, but only while the shared cache still holds
the same computation: a cleared cache or a new change stamp always computes again."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from kim import figure_cache

pytestmark = pytest.mark.django_db


def test_a_value_is_computed_once_per_stamp_and_served_without_unpickling():
    calls = []

    def compute():
        calls.append(1)
        return {"figures": [1, 2, 3]}

    first = figure_cache.cached("t", (2021,), compute, stamp="s1")
    second = figure_cache.cached("t", (2021,), compute, stamp="s1")
    assert len(calls) == 1
    assert second is first  # the same object: no unpickling on the hot path
    assert figure_cache.cached("t", (2022,), compute, stamp="s1") is not first  # other parts, other key
    assert len(calls) == 2


def test_a_new_stamp_or_a_cleared_cache_computes_again():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert figure_cache.cached("t", (2021,), compute, stamp="s1") == 1
    assert figure_cache.cached("t", (2021,), compute, stamp="s2") == 2  # data changed
    cache.clear()  # e.g. another deployment step; the process-local copy must not outlive it
    assert figure_cache.cached("t", (2021,), compute, stamp="s2") == 3
    assert figure_cache.cached("t", (2021,), compute, stamp="s2") == 3


def test_the_local_copies_are_bounded():
    for i in range(figure_cache.MEMO_SIZE + 10):
        figure_cache.cached("t", (i,), lambda i=i: i, stamp="s")
    assert len(figure_cache._memo) == figure_cache.MEMO_SIZE
