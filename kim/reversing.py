"""``reverse()`` once per URL pattern instead of once per row.

A list page links every row (``get_absolute_url``) and the navigation links every menu entry;
``reverse()`` walks the URL resolver each time. ``fast_reverse`` reverses a pattern once with a
placeholder argument and then only puts the argument in. It is keyed by URL configuration and script
prefix and falls back to ``reverse()`` whenever the placeholder does not come back verbatim (another
converter, several arguments of other types), so it returns what ``reverse()`` returns.
"""

from __future__ import annotations

import threading
import uuid

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_INT = 918273645546372819
_UUID = uuid.UUID("9e8d7c6b-5a49-4382-a716-d5c4b3a29180")
_templates: dict[tuple, tuple[str, ...] | None] = {}
_lock = threading.Lock()
MAX_TEMPLATES = 512


def _placeholder(arg):
    if isinstance(arg, bool):
        return None
    if isinstance(arg, int):
        return _INT
    if isinstance(arg, uuid.UUID):
        return _UUID
    return None


def fast_reverse(viewname: str, args: tuple | list = ()) -> str:
    """``reverse(viewname, args=args)`` for no argument or one integer or UUID argument."""
    args = tuple(args)
    if len(args) > 1 or (args and _placeholder(args[0]) is None):
        return reverse(viewname, args=args)
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, type(args[0]) if args else None)
    template = _templates.get(key, ())
    if template == ():
        template = _template(viewname, args)
        with _lock:
            if len(_templates) >= MAX_TEMPLATES:
                _templates.clear()
            _templates[key] = template
    if template is None:
        return reverse(viewname, args=args)
    if not args:
        return template[0]
    return template[0] + str(args[0]) + template[1]


def _template(viewname: str, args: tuple) -> tuple[str, ...] | None:
    if not args:
        return (reverse(viewname),)
    placeholder = _placeholder(args[0])
    url = reverse(viewname, args=[placeholder])
    parts = url.split(str(placeholder))
    return (parts[0], parts[1]) if len(parts) == 2 else None
