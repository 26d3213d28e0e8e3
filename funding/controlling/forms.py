"""Input boundary of the controlling pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from funding.models import CarrierPayment, LandReceipt, OwnShareTopUp, ProofDocumentType, ProofObligation, ProofStatus
from kim.forms import ConstraintErrorsAtFieldMixin, EuroField, YearField, add_help_texts, formfield_callback
from kim.uploads import PDF, XLSX, validate_document


class YearPrepareForm(forms.Form):
    source_year = YearField(label=_("Vorjahr (Quelle)"))
    confirm = forms.BooleanField(
        label=_("Ja, das Folgejahr als Entwurf anlegen"),
        required=False,
        help_text=_("Ohne Bestätigung wird nur angezeigt, was angelegt würde."),
    )


class LandReceiptForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = LandReceipt
        fields = ["received_on", "amount", "reference"]


class CarrierPaymentForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = CarrierPayment
        fields = ["due_on", "amount", "paid_on"]


class ProofObligationForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = ProofObligation
        fields = ["due_on"]


class ProofStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ProofStatus.choices)


class ProofDocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Dokument"), choices=ProofDocumentType.choices)
    file = forms.FileField(label=_("Datei (PDF oder Excel)"), help_text=_("PDF oder XLSX, höchstens 10 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_document(upload, allowed=(PDF, XLSX))
        return upload


class WhatIfForm(forms.Form):
    year = YearField(label=_("Jahr"))
    rate = EuroField(label=_("Pauschale je VZÄ"), required=False, help_text=_("leer = heutiger Satz"))
    top_up = EuroField(
        label=_("Übernahme Eigenanteil je VZÄ"), required=False, help_text=_("leer = heutiger Beschluss")
    )
    personnel = EuroField(
        label=_("Personalkosten der Träger je VZÄ"), required=False, help_text=_("leer = heutige Kostenpläne")
    )


class OwnShareTopUpForm(forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = OwnShareTopUp
        fields = ["year", "amount_per_fte", "budget_line", "decided_on"]


# Help texts for fields whose meaning is not obvious (shown below the field, aria-describedby).
add_help_texts(
    LandReceiptForm,
    {
        "reference": _("Buchungszeichen aus der Finanzbuchhaltung, z. B. der Kontoauszug."),
    },
)
add_help_texts(
    CarrierPaymentForm,
    {
        "due_on": _("Tag, an dem die Rate laut Vertrag fällig ist."),
        "paid_on": _("leer, solange nicht gezahlt."),
    },
)
add_help_texts(
    ProofObligationForm,
    {
        "due_on": _("Frist für den Verwendungsnachweis."),
    },
)
add_help_texts(
    OwnShareTopUpForm,
    {
        "budget_line": _("Haushaltsstelle (Teilprodukt/Sachkonto), aus der die Übernahme gezahlt wird."),
    },
)
add_help_texts(
    YearPrepareForm,
    {
        "source_year": _("Jahr, dessen Sätze, Bescheide und Verträge als Entwürfe übernommen werden."),
    },
)
