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


def test_a_value_kept_in_the_process_only_is_never_pickled_into_the_shared_cache():
    calls = []

    class Unpicklable:  # a pickling cache would fail on it
        def __reduce__(self):
            raise AssertionError("pickled")

    def compute():
        calls.append(1)
        return Unpicklable()

    first = figure_cache.cached("p", (1,), compute, stamp="s1", share=False)
    assert figure_cache.cached("p", (1,), compute, stamp="s1", share=False) is first
    assert len(calls) == 1
    figure_cache.cached("p", (1,), compute, stamp="s2", share=False)  # a write: computed again
    assert len(calls) == 2
    cache.clear()
    figure_cache.cached("p", (1,), compute, stamp="s2", share=False)
    assert len(calls) == 3


def test_another_process_computing_its_own_copy_keeps_the_first_processes_token():
    figure_cache.cached("q", (1,), lambda: "mine", stamp="s1", share=False)
    token_keys = [k for k in figure_cache._memo if k.startswith("kim:q:")]
    [key] = token_keys
    token = cache.get(key + ":token")
    figure_cache._memo.clear()  # what another process sees: the token, no copy of its own
    assert figure_cache.cached("q", (1,), lambda: "theirs", stamp="s1", share=False) == "theirs"
    assert cache.get(key + ":token") == token


def test_a_value_read_on_every_request_outlives_the_values_of_old_stamps():
    """The memo drops the least recently used value: a part no write changes (read on every request,
    e.g. the year's rates) stays while each write's new values of other parts push old ones out. Kept
    in the process only, as the dashboard's parts are: a dropped one would be computed again."""
    calls = []

    def stable():
        calls.append(1)
        return ["rates"]

    first = figure_cache.cached("stable", (), stable, stamp="s", share=False)
    for i in range(figure_cache.MEMO_SIZE * 3):
        figure_cache.cached("changing", (), lambda i=i: [i], stamp=f"write-{i}", share=False)
        assert figure_cache.cached("stable", (), stable, stamp="s", share=False) is first
    assert len(calls) == 1
    assert len(figure_cache._memo) == figure_cache.MEMO_SIZE
