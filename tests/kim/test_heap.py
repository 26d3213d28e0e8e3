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
        frozen = heap.settle()
        assert frozen > 1000  # the loaded modules and Django's objects
        assert gc.get_freeze_count() == frozen
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
