"""The rendered body of a list page (filter form, table, pagination, export links), cached per scope.

A list page at county scale spends most of its time rendering: 25 table rows and the filter form
with its choice lists (every employer, place and module), not in SQL. While no data the list reads
has changed (``kim.figure_cache.data_stamp``: the newest history row of every domain table, one
query; every write through the services leaves one) the same address gives the same HTML for
everyone in the same scope, so a repeated request costs the stamp query and the page frame.

The key names everything the body depends on: the view, the path, the address's parameters (sorted,
so ``?a=1&b=2`` and ``?b=2&a=1`` share an entry), the user's role and organisation (a carrier's staff
never get HTML rendered for another organisation or for A 46), the language, the stamp and the minute
(the print line says when the list was printed). Views opt in with ``ScopedTableView.cache_body``;
only lists whose rows and choices come from the stamp's tables (kim, modules, funding) may.
"""

from __future__ import annotations

import hashlib
import re
from functools import partial
from typing import Any, cast

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Field, Model
from django.forms import BaseForm, ModelChoiceField, ModelMultipleChoiceField
from django.forms.models import ModelChoiceIteratorValue
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language

from kim.figure_cache import CACHE_SECONDS, data_stamp
from kim.models import role_key
from kim.security import SESSION_OTP_KEY
from kim.years import USED_ATTR


def body_key(request: HttpRequest, view_name: str, *, stamp: str | None = None) -> str:
    """The cache key of the list body for this request (reads the stamp: one query unless given)."""
    user = request.user
    params = sorted((name, tuple(values)) for name, values in request.GET.lists())
    raw = repr(
        (
            view_name,
            request.path,
            params,
            role_key(user),
            getattr(user, "organisation_id", None),
            get_language() or "",
            data_stamp() if stamp is None else stamp,
            timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        )
    )
    return "kim:list-body:" + hashlib.sha256(raw.encode()).hexdigest()


def cache_model_choices(form: BaseForm, request: HttpRequest, view_name: str, *, stamp: str) -> None:
    """The options of the form's model choice fields (employers, places, modules) from the cache,
    per field, scope, language and stamp: a new address (another page, sort or filter) on unchanged
    data renders the filter form without its choice queries. Only what is shown is cached, as
    (value, label) text; a submitted value is still checked against the field's own scoped queryset."""
    user = request.user
    for name, field in form.fields.items():
        if not isinstance(field, ModelChoiceField) or field.queryset is None:
            continue
        raw = repr((view_name, name, role_key(user), getattr(user, "organisation_id", None), get_language(), stamp))
        key = "kim:list-choices:" + hashlib.sha256(raw.encode()).hexdigest()
        options = cache.get(key)
        if options is None:
            # one query for the options and the check of a submitted value (the first request after a
            # write would otherwise read the field's queryset twice: the lists' budget is 8 queries)
            options, instances = [], []
            for value, label in field.iterator(field):  # what field.choices gives, with the rows read
                if isinstance(value, ModelChoiceIteratorValue):
                    instances.append(getattr(value, "instance"))  # noqa: B009 – not in the type stubs
                options.append((str(value), str(label)))
            cache.set(key, options, CACHE_SECONDS)
            if not isinstance(field, ModelMultipleChoiceField):
                field.to_python = partial(_choice_from, field, field.queryset.model, instances)  # type: ignore[method-assign]
        field.widget.choices = options  # shown only; the field still validates against its queryset


def _choice_from(field: ModelChoiceField, model: type[Model], instances: list[Model], value: Any) -> Model | None:
    """``ModelChoiceField.to_python`` against the rows of its queryset already read in this request:
    the same instance for a valid value, the same "invalid_choice" error otherwise."""
    null_label = getattr(field, "null_label", None)  # django-filter's "no value" choice, as its to_python
    if null_label is not None and value == getattr(field, "null_value", None):
        return value
    if value in field.empty_values:
        return None
    field.validate_no_null_characters(value)
    key = field.to_field_name or "pk"
    if isinstance(value, model):
        value = getattr(value, key)
    try:
        key_field = cast(Field, model._meta.pk if key == "pk" else model._meta.get_field(key))
        wanted = key_field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        wanted = _INVALID
    for obj in instances:
        if getattr(obj, key) == wanted:
            return obj
    raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


_INVALID = object()


def get_body(key: str) -> str | None:
    return cache.get(key)


def store_body(key: str, html: str) -> None:
    cache.set(key, html, CACHE_SECONDS)


# --- the whole page of a list, per user --------------------------------------------------------------
#
# With the body from the cache, what is left of a request is the page frame (base.html: header, user box,
# navigation, breadcrumbs, footer) and its context processors: at county scale more than half of the
# CPU time of a repeated list request. The frame depends on the body's key (view, address, role,
# organisation, language, stamp, minute) and on the user's own row (name, role, organisation, rights;
# user rows are not in the stamp, so all their columns but the password hash are part of the key) and
# the second factor of the session. Per request are only the CSRF token (both forms, fresh for every
# answer) and the address the language switch returns to: the cached page holds placeholders for
# them. A request with messages to show is rendered as usual and not stored.

_PAGE_CSRF = "kim-page-csrf-placeholder"
_PAGE_NEXT = "kim-page-next-placeholder"
_CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"<>]+)"')


def page_key(request: HttpRequest, body_key: str) -> str | None:
    """The cache key of the whole page for this user, or None where the page may not be cached."""
    storage = getattr(request, "_messages", None)
    if storage is not None and len(storage):
        return None  # shown once: rendered for this request only
    if getattr(request, USED_ATTR, None) is not None:
        return None
    user = request.user
    own_row = [(f.attname, getattr(user, f.attname)) for f in user._meta.concrete_fields if f.attname != "password"]
    raw = repr((body_key, own_row, request.session.get(SESSION_OTP_KEY)))
    return "kim:list-page:" + hashlib.sha256(raw.encode()).hexdigest()


def get_page(request: HttpRequest, key: str) -> str | None:
    """The cached page with this request's CSRF token and address filled in (None: not cached)."""
    page = cache.get(key)
    if page is None:
        return None
    return page.replace(_PAGE_CSRF, get_token(request)).replace(_PAGE_NEXT, escape(request.get_full_path()))


def store_page(request: HttpRequest, key: str, html: str) -> None:
    """Store a page rendered for this request, its CSRF token and return address made placeholders."""
    if getattr(request, USED_ATTR, None) is not None:
        return
    next_input = f'name="next" value="{escape(request.get_full_path())}"'
    if html.count(next_input) != 1:
        return  # not the frame this was made for: better not cached than wrong
    html = html.replace(next_input, f'name="next" value="{_PAGE_NEXT}"')
    tokens = set(_CSRF_VALUE.findall(html))
    if len(tokens) > 1:
        return
    for token in tokens:
        html = html.replace(token, _PAGE_CSRF)
    cache.set(key, html, CACHE_SECONDS)
