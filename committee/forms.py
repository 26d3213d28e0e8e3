"""Input boundary for committees, meetings and papers; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from committee.models import (
    AgendaItem,
    Committee,
    Consultation,
    ConsultationResult,
    DecisionItem,
    Meeting,
    Paper,
    Section,
)
from kim.forms import ConstraintErrorsAtFieldMixin, active_choices, add_help_texts, formfield_callback
from kim.models import Organisation, OrganisationKind


class PaperForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    number = forms.CharField(
        label=_("Vorlagen-Nr."),
        required=False,
        max_length=20,
        help_text=_("Form JJJJ/NNNN, z. B. 2020/0354; leer lassen für die nächste freie Nummer des Jahres."),
    )

    class Meta:
        formfield_callback = formfield_callback  # German dates (2000–2100); a class attribute is ignored
        model = Paper
        fields = [
            "number",
            "title",
            "paper_type",
            "public",
            "lead_department",
            "date",
            "programme_year",
            "related",
            "decision_intro",
            "signature_mode",
            "signatory",
        ]
        widgets = {"related": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active_choices(self, "lead_department", Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT))
        related = Paper.objects.filter(deleted=False).order_by("-number")
        if self.instance.pk:
            related = related.exclude(pk=self.instance.pk)
        self.fields["related"].queryset = related

    def validate_unique(self):
        # Number and its uniqueness are checked by committee.services.paper_save (with a German message).
        pass

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.add("number")
        return exclude


class DecisionItemForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        model = DecisionItem
        fields = ["order", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}


class SectionForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["order", "heading", "body", "table_kind"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}


class AttachmentForm(forms.Form):
    order = forms.IntegerField(label=_("Nr."), min_value=1, max_value=99)
    title = forms.CharField(label=_("Bezeichnung"), max_length=300)
    file = forms.FileField(label=_("Datei (PDF)"), help_text=_("Nur PDF, höchstens 10 MB."))


class MeetingForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = Meeting
        fields = ["committee", "date", "start_time", "place", "public", "cancelled"]
        widgets = {"start_time": forms.TimeInput(format="%H:%M", attrs={"placeholder": "HH:MM"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a deactivated committee gets no new meeting; an existing meeting of it stays editable
        active_choices(self, "committee", Committee.objects.filter(deleted=False))


class CommitteeForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = Committee
        fields = ["name", "short_name", "slug", "kind", "body", "members", "order", "is_active"]
        help_texts = {
            "slug": _("Kleinbuchstaben, Ziffern und Bindestriche; erscheint in Adressen (OParl)."),
            "order": _("Reihenfolge in Listen und Auswahlfeldern (kleinere Zahl zuerst)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active_choices(self, "body", Organisation.objects.filter(kind=OrganisationKind.COUNTY))

    def clean_members(self):
        members = self.cleaned_data.get("members")
        if members is not None and not 1 <= members <= 999:
            raise forms.ValidationError(_("Bitte eine Zahl zwischen 1 und 999 angeben (oder leer lassen)."))
        return members


class AgendaItemForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["order", "number", "title", "public", "paper"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paper"].queryset = Paper.objects.filter(deleted=False).order_by("-number")


class ConsultationForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["order", "meeting", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(deleted=False).select_related("committee")


class ConsultationResultForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["result", "votes_yes", "votes_no", "votes_abstention", "votes_biased"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", _("– bitte wählen –"))] + [c for c in ConsultationResult.choices if c[0]]
        self.fields["result"].required = True
        for name in ("votes_yes", "votes_no", "votes_abstention", "votes_biased"):
            self.fields[name].widget.attrs.pop("min", None)
            self.fields[name].max_value = 999
            self.fields[name].validators = [v for v in self.fields[name].validators]
            self.fields[name].error_messages["min_value"] = _("Die Stimmenzahl darf nicht negativ sein.")
            self.fields[name].error_messages["max_value"] = _("Höchstens 999 Stimmen.")
            self.fields[name].error_messages["invalid"] = _("Bitte eine ganze Zahl eingeben.")


# Help texts for fields whose meaning is not obvious (shown below the field, aria-describedby).
add_help_texts(
    PaperForm,
    {
        "paper_type": _("Beschlussvorlage, Mitteilungsvorlage, Antrag oder Anfrage; erscheint im Kopf des PDF."),
        "lead_department": _("Das Amt, das die Vorlage verantwortet."),
        "related": _("Frühere Vorlagen, auf die sich diese bezieht."),
        "signature_mode": _("Zusatz vor dem Namen unter der Vorlage: „Im Auftrag“, „In Vertretung“ oder ohne Zusatz."),
    },
)
add_help_texts(
    SectionForm,
    {
        "table_kind": _("Tabelle, die aus den Daten erzeugt und unter den Text gesetzt wird; leer = keine."),
    },
)
add_help_texts(
    MeetingForm,
    {
        "cancelled": _("Abgesagte Sitzungen bleiben mit ihrer Tagesordnung sichtbar."),
    },
)
add_help_texts(
    AgendaItemForm,
    {
        "order": _("Position in der Tagesordnung: 1 = erster Punkt."),
        "paper": _("Vorlage, die unter diesem Punkt beraten wird; leer = ohne Vorlage."),
    },
)
add_help_texts(
    ConsultationForm,
    {
        "order": _("Stelle in der Beratungsfolge: 1 = erstes Gremium, das berät."),
        "role": _("Beratungsfolge: Vorberatung, Empfehlung, Entscheidung oder Kenntnisnahme in diesem Gremium."),
    },
)
add_help_texts(
    ConsultationResultForm,
    {
        "votes_biased": _("Mitglieder, die wegen Befangenheit nicht mitgestimmt haben."),
    },
)
