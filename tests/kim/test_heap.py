"""kim.heap: a serving process freezes its loaded heap once (config.wsgi)."""

import gc
import importlib
import weakref

from kim import heap


def test_settle_collects_garbage_and_freezes_the_survivors():
    gc.unfreeze()
    try:

        class Node:
            pass

        gc.disable()  # no automatic collection before settle()
        node = Node()
        node.me = node  # type: ignore[attr-defined]  # garbage only the cyclic collector frees
        alive = weakref.ref(node)
        del node
        assert alive() is not None
        survivor = Node()  # alive across settle(): it must move into the permanent generation
        frozen = heap.settle()
        assert frozen > 1000  # the loaded modules and Django's objects
        # A frozen object can still be freed by its reference count (by another thread, too), which
        # takes it out of the permanent generation: the count can only have fallen since settle().
        assert frozen - 100 <= gc.get_freeze_count() <= frozen
        tracked = {id(obj) for generation in range(3) for obj in gc.get_objects(generation=generation)}
        assert id(survivor) not in tracked  # frozen: no later collection walks it
        assert alive() is None  # collected, not frozen
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_wsgi_module_settles_the_heap_after_loading_the_application():
    gc.unfreeze()
    try:
        import config.wsgi  # a first import already settles; reloaded on a thawed heap to see it happen

        gc.unfreeze()
        assert gc.get_freeze_count() == 0
        importlib.reload(config.wsgi)
        assert gc.get_freeze_count() > 1000
        assert callable(config.wsgi.application)
    finally:
        gc.unfreeze()
