"""The confirmation page of a deletion: what is deleted, the page's version; the history keeps who and when."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from kim.forms import VersionForm, apply_service_errors
from kim.versioning import version_errors_to_top
from kim.views import STAFF_ROLES, RoleRequiredMixin, ScopedQuerysetMixin


class DeleteView(RoleRequiredMixin, ScopedQuerysetMixin, View):
    """GET: what will be deleted; POST (A 46 only): the service deletes, or names what still depends on it."""

    allowed_roles = STAFF_ROLES
    edit = True
    template_name = "generic/delete.html"
    title: Any = _("Löschen")
    service: Callable[..., Any]
    service_kwarg = "obj"
    success_url_name = "dashboard"

    def get_object(self) -> Model:
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    def back_url(self, obj: Model) -> str:
        url = getattr(obj, "get_absolute_url", None)
        return url() if url else reverse(self.success_url_name)

    def render_page(self, obj: Model, form: VersionForm) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"title": self.title, "target": obj, "form": form, "cancel_url": self.back_url(obj)},
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        return self.render_page(obj, VersionForm(initial={"version": getattr(obj, "version", 1)}))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = VersionForm(request.POST)
        if form.is_valid():
            try:
                type(self).service(**{self.service_kwarg: obj}, version=form.cleaned_data["version"], user=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Gelöscht. Die Historie hält fest, wer es wann gelöscht hat."))
                return HttpResponseRedirect(reverse(self.success_url_name))
        version_errors_to_top(form)
        return self.render_page(obj, form)
