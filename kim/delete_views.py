"""The confirmation page of a deletion: what is deleted, the page's version; the history keeps who and when."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kim.confirm_views import ConfirmedActionView


class DeleteView(ConfirmedActionView):
    """GET: what will be deleted; POST (A 46 only): the service deletes, or names what still depends on it."""

    template_name = "generic/delete.html"
    title: Any = _("Löschen")
    success_message: Any = _("Gelöscht. Die Historie hält fest, wer es wann gelöscht hat.")
    success_url_name = "dashboard"

    def back_url(self, obj: Model) -> str:
        url = getattr(obj, "get_absolute_url", None)
        return url() if url else reverse(self.success_url_name)

    def done_url(self, obj: Model) -> str:
        return reverse(self.success_url_name)
