"""The database session store with a lighter read: the one query Django's store runs for every signed-in
request (the session row by key, not expired), written once as SQL instead of built by the ORM.

Same table, same rows, same query count and the same answer as ``django.contrib.sessions.backends.db``:
only the ORM's work of building and compiling ``Session.objects.get(...)`` anew on every request (a
third of the CPU time of a list request served from the cache) is left out. Writing, rotating and
deleting sessions stay Django's.
"""

from __future__ import annotations

from functools import cache as memoise

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@memoise
def _load_sql(alias: str, table: str) -> str:
    qn = connections[alias].ops.quote_name
    return f"SELECT {qn('session_data')} FROM {qn(table)} WHERE {qn('session_key')} = %s AND {qn('expire_date')} > %s"


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):  # type: ignore[no-untyped-def]
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        if self.session_key is None:
            return None
        sql = _load_sql(alias, model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
