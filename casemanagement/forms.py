"""Input boundary of the case register and the returns. Dates in German notation (TT.MM.JJJJ)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemanagement.models import (
    Case,
    ClosureReason,
    Contact,
    IndicatorReport,
    Phase,
    Referral,
    ReopeningReason,
    Topic,
)
from kim.forms import (
    ConstraintErrorsAtFieldMixin,
    GermanDateField,
    VersionForm,
    YearField,
    active_choices,
    add_help_texts,
    formfield_callback,
)
from kim.models import Municipality
from modules.models import Post

MONTHS = [
    (m, name)
    for m, name in enumerate(
        [
            _("Januar"),
            _("Februar"),
            _("März"),
            _("April"),
            _("Mai"),
            _("Juni"),
            _("Juli"),
            _("August"),
            _("September"),
            _("Oktober"),
            _("November"),
            _("Dezember"),
        ],
        start=1,
    )
]


class CaseForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Themen"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=True,
        error_messages={"required": _("Bitte mindestens ein Thema wählen.")},
    )

    class Meta:
        formfield_callback = formfield_callback
        model = Case
        fields = [
            "responsible_post",
            "opened_on",
            "age_band",
            "gender",
            "municipality",
            "residence_status",
            "legal_domain",
            "phase",
        ]

    def __init__(self, *args, carrier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_post"].queryset = Post.objects.filter(employer=carrier, module__number=2)
        # Municipalities funded separately are outside module 2: only the funding area is offered.
        active_choices(self, "municipality", Municipality.objects.filter(module2_area=True))
        if self.instance.pk:
            self.fields["topics"].initial = list(self.instance.topics.values_list("topic", flat=True))
        if self.instance.pk and self.instance.is_closed:
            del self.fields["phase"]
        else:
            self.fields["phase"].choices = [c for c in Phase.choices if c[0] != Phase.CLOSED]
        self.fields["opened_on"].help_text = _("Tag des ersten Kontakts; die Fallnummer wird automatisch vergeben.")


class ContactForm(forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = Contact
        fields = ["date", "duration_minutes", "mode"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["duration_minutes"].error_messages["invalid"] = _("Bitte die Dauer in ganzen Minuten eingeben.")


class ReferralForm(forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = Referral
        fields = ["target", "referred_on", "status", "follow_up_on"]

    def clean(self):
        cleaned = super().clean()
        referred, follow_up = cleaned.get("referred_on"), cleaned.get("follow_up_on")
        if referred and follow_up and follow_up < referred:
            self.add_error(
                "follow_up_on",
                _("Die Wiedervorlage darf nicht vor der Verweisung (%(d)s) liegen.")
                % {"d": referred.strftime("%d.%m.%Y")},
            )
        return cleaned


class CloseForm(forms.Form):
    closed_on = GermanDateField(label=_("abgeschlossen am"))
    reason = forms.ChoiceField(label=_("Abschlussgrund"), choices=[("", "---------"), *ClosureReason.choices])


class ReopenForm(forms.Form):
    reopened_on = GermanDateField(label=_("wiederaufgenommen am"))
    reason = forms.ChoiceField(
        label=_("Grund der Wiederaufnahme"), choices=[("", "---------"), *ReopeningReason.choices]
    )


class ReturnCreateForm(forms.Form):
    post = forms.ModelChoiceField(label=_("Stelle"), queryset=Post.objects.none())
    year = YearField(label=_("Jahr"))
    month = forms.TypedChoiceField(label=_("Monat"), choices=MONTHS, coerce=int)

    def __init__(self, *args, carrier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Post.objects.filter(employer=carrier, module__number=2)


class ReturnUploadForm(VersionForm):
    """The CSV upload button of a return: the file and the version of the page (kim.forms.VersionForm)."""

    file = forms.FileField(
        label=_("CSV-Datei"), help_text=_("Semikolon-getrennt, UTF-8, Kopfzeile „Bereich;Merkmal;Anzahl“")
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zur Meldung (z. B. fehlende Monate), keine Angaben zu Personen."),
    )


class IndicatorForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    month = forms.TypedChoiceField(label=_("Monat"), choices=MONTHS, coerce=int)

    class Meta:
        formfield_callback = formfield_callback
        model = IndicatorReport
        fields = [
            "post",
            "year",
            "month",
            "procedures_25a_started",
            "procedures_25a_granted",
            "procedures_25b_started",
            "procedures_25b_granted",
            "naturalisations_advised",
            "naturalisations_completed",
            "events",
            "trainings",
            "network_meetings",
            "participants",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = (
            Post.objects.filter(module__number__in=[1, 3]).exclude(employer__kind="carrier").select_related("module")
        )
        self.fields["year"] = YearField(label=_("Jahr"), initial=self.instance.year if self.instance.pk else None)


# Help texts for fields whose meaning is not obvious (shown below the field, aria-describedby).
add_help_texts(
    CaseForm,
    {
        "responsible_post": _("Case-Management-Stelle Ihres Trägers, die den Fall führt."),
        "municipality": _("Wohnkommune; keine Anschrift."),
        "legal_domain": _("Leistungssystem, aus dem die Person Leistungen bezieht (SGB II, SGB XII, AsylbLG …)."),
        "phase": _("Arbeitsstand im Case Management: Klärung, Einschätzung, Hilfeplanung, Umsetzung, Evaluation."),
    },
)
add_help_texts(
    ContactForm,
    {
        "duration_minutes": _("Ganze Minuten, z. B. 45."),
    },
)
add_help_texts(
    ReferralForm,
    {
        "target": _("Stelle, an die verwiesen wurde (z. B. Jobcenter)."),
        "follow_up_on": _("Tag, an dem nachgefragt wird; überfällige Wiedervorlagen erscheinen auf der Übersicht."),
    },
)
add_help_texts(
    CloseForm,
    {
        "closed_on": _("Tag des Abschlusses; die Aufbewahrungsfrist beginnt hier."),
    },
)
add_help_texts(
    ReturnCreateForm,
    {
        "post": _("Stelle, für die gemeldet wird; je Stelle und Monat eine Meldung."),
        "month": _("Der Kalendermonat, für den gemeldet wird."),
    },
)
add_help_texts(
    IndicatorForm,
    {
        "month": _("Der Kalendermonat, auf den sich die Kennzahl bezieht."),
    },
)
