"""A confirmation page for one action on one record (cancel, delete): GET shows the record and the
form, POST runs the service with the page's version; a refusal lands at the form, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views import View

from kim.forms import VersionForm, apply_service_errors
from kim.versioning import version_errors_to_top
from kim.views import STAFF_ROLES, RoleRequiredMixin, ScopedQuerysetMixin


class ConfirmedActionView(RoleRequiredMixin, ScopedQuerysetMixin, View):
    """Subclasses name the service, the keyword it takes the record by, the form, the page's texts and
    where the user goes afterwards (``back_url``: the cancel link; ``done_url``: after success)."""

    allowed_roles = STAFF_ROLES
    edit = True
    template_name: str
    confirm_form: type[VersionForm] = VersionForm
    title: Any = ""
    success_message: Any = ""
    service: Callable[..., Any]
    service_kwarg = "obj"

    def get_object(self) -> Model:
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    def back_url(self, obj: Model) -> str:
        raise NotImplementedError

    def done_url(self, obj: Model) -> str:
        return self.back_url(obj)

    def service_arguments(self, form: VersionForm) -> dict[str, Any]:
        """What the service takes besides the record, the version and the user (e.g. the reason)."""
        return {}

    def page_context(self) -> dict[str, Any]:
        return {}

    def render_page(self, obj: Model, form: VersionForm) -> HttpResponse:
        context = {"title": self.title, "target": obj, "form": form, "cancel_url": self.back_url(obj)}
        return render(self.request, self.template_name, context | self.page_context())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        return self.render_page(obj, self.confirm_form(initial={"version": getattr(obj, "version", 1)}))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = self.confirm_form(request.POST)
        if form.is_valid():
            try:
                type(self).service(
                    **{self.service_kwarg: obj},
                    **self.service_arguments(form),
                    version=form.cleaned_data["version"],
                    user=request.user,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(self.done_url(obj))
        version_errors_to_top(form)
        return self.render_page(obj, form)
