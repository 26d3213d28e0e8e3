"""The confirmation page of a cancellation (Storno): what is cancelled, a required reason, the page's version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _

from kim.cancellation import REASON_MIN_LENGTH
from kim.confirm_views import ConfirmedActionView
from kim.forms import VersionForm


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


class CancelView(ConfirmedActionView):
    """GET: the record and the reason field; POST: the service cancels (A 46 only) and the record's page shows it."""

    template_name = "generic/cancel.html"
    confirm_form = CancelForm
    title: Any = _("Stornieren")
    success_message: Any = _("Storniert. Der Eintrag bleibt sichtbar und zählt in keiner Summe mehr.")
    consequence: Any = ""

    def back_url(self, obj: Model) -> str:
        return resolve_url(obj)

    def service_arguments(self, form: VersionForm) -> dict[str, Any]:
        return {"reason": form.cleaned_data["reason"]}

    def page_context(self) -> dict[str, Any]:
        return {"consequence": self.consequence}
