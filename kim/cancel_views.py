"""The confirmation page of a cancellation (Storno): what is cancelled, a required reason, the page's version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render, resolve_url
from django.utils.translation import gettext_lazy as _
from django.views import View

from kim.cancellation import REASON_MIN_LENGTH
from kim.forms import VersionForm, apply_service_errors
from kim.versioning import version_errors_to_top
from kim.views import STAFF_ROLES, RoleRequiredMixin, ScopedQuerysetMixin


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("Grund der Stornierung"),
        min_length=REASON_MIN_LENGTH,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Steht beim stornierten Eintrag und in der Änderungshistorie."),
        error_messages={
            "required": _("Bitte einen Grund für die Stornierung angeben."),
            "min_length": _("Bitte einen Grund für die Stornierung angeben (mindestens %(limit_value)d Zeichen)."),
            "max_length": _("Der Grund darf höchstens %(limit_value)d Zeichen lang sein."),
        },
    )


class CancelView(RoleRequiredMixin, ScopedQuerysetMixin, View):
    """GET: the record and the reason field; POST: the service cancels (A 46 only) and the record's page shows it."""

    allowed_roles = STAFF_ROLES
    edit = True
    template_name = "generic/cancel.html"
    title: Any = _("Stornieren")
    consequence: Any = ""
    service: Callable[..., Any]
    service_kwarg = "obj"

    def get_object(self) -> Model:
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])

    def success_url(self, obj: Model) -> str:
        return resolve_url(obj)

    def render_page(self, obj: Model, form: CancelForm) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "title": self.title,
                "target": obj,
                "form": form,
                "consequence": self.consequence,
                "cancel_url": self.success_url(obj),
            },
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        return self.render_page(obj, CancelForm(initial={"version": getattr(obj, "version", 1)}))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                type(self).service(
                    **{self.service_kwarg: obj},
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                    user=request.user,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Storniert. Der Eintrag bleibt sichtbar und zählt in keiner Summe mehr."))
                return HttpResponseRedirect(self.success_url(obj))
        version_errors_to_top(form)
        return self.render_page(obj, form)
