"""Django's model backend with a lighter read of the signed-in user on every request.

``get_user`` runs once per signed-in request (``AuthenticationMiddleware``): Django builds and compiles
``User.objects.get(pk=…)`` anew each time. Here the same single query is written once per process as SQL
and read through ``raw()`` (Django's converters, the same model instance, deferred nothing). Signing in,
permissions and ``user_can_authenticate`` are Django's.
"""

from __future__ import annotations

from functools import cache as memoise

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections


@memoise
def _user_sql(alias: str) -> str:
    model = get_user_model()
    qn = connections[alias].ops.quote_name
    columns = ", ".join(qn(field.column) for field in model._meta.concrete_fields)
    return f"SELECT {columns} FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.pk.column)} = %s"


class SessionUserBackend(ModelBackend):
    def get_user(self, user_id):  # type: ignore[no-untyped-def]
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        manager = model._default_manager
        users = list(manager.raw(_user_sql(manager.db), [pk]))
        if not users:
            return None
        user = users[0]
        return user if self.user_can_authenticate(user) else None
