"""Input boundary helpers: German amounts and FTE, dates, and a base form with consistent styling."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q, QuerySet, UniqueConstraint
from django.utils.translation import gettext_lazy as _

from kim.models import Organisation, OrganisationKind
from kim.money import format_decimal, format_fte, parse_decimal
from kim.periods import FIRST_PLAUSIBLE_DATE, LAST_PLAUSIBLE_DATE, validate_plausible_date
from kim.versioning import STALE_PAGE, VersionField

MAX_AMOUNT = Decimal("9999999999.99")  # max_digits=12, decimal_places=2
MIN_DATE = FIRST_PLAUSIBLE_DATE
MAX_DATE = LAST_PLAUSIBLE_DATE


class GermanDecimalField(forms.DecimalField):
    """Accepts "55.000,00", "55000", "55.000 €" and "0,5"; renders in German."""

    widget = forms.TextInput

    def __init__(self, *args, places: int = 2, **kwargs):
        self.places = places
        kwargs.setdefault("localize", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            number = parse_decimal(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return number

    def validate(self, value):
        forms.Field.validate(self, value)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)):
            return format_decimal(value, self.places)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        return attrs


class EuroField(GermanDecimalField):
    default_error_messages = {
        "invalid": _("Bitte einen Betrag in Euro eingeben, z. B. 55.000,00."),
        "min_value": _("Der Betrag darf nicht negativ sein."),
        "max_value": _("Der Betrag ist zu groß (höchstens 9.999.999.999,99 €)."),
        "max_decimal_places": _("Höchstens zwei Nachkommastellen (Cent)."),
        "max_digits": _("Der Betrag ist zu groß (höchstens 9.999.999.999,99 €)."),
        "max_whole_digits": _("Der Betrag ist zu groß (höchstens 9.999.999.999,99 €)."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", MAX_AMOUNT)
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("help_text", _("in Euro, z. B. 55.000,00"))
        super().__init__(*args, places=2, **kwargs)


class FTEField(GermanDecimalField):
    default_error_messages = {
        "invalid": _("Bitte einen Stellenanteil als Zahl eingeben, z. B. 0,5 oder 1,0."),
        "range": _("Der Stellenanteil muss größer als 0 und höchstens 1,0 VZÄ sein."),
        "max_decimal_places": _("Höchstens drei Nachkommastellen, z. B. 0,625."),
        "max_digits": _("Der Stellenanteil muss größer als 0 und höchstens 1,0 VZÄ sein."),
        "max_whole_digits": _("Der Stellenanteil muss größer als 0 und höchstens 1,0 VZÄ sein."),
    }

    def __init__(self, *args, maximum: Decimal = Decimal("1"), **kwargs):
        self.maximum = maximum
        kwargs.setdefault("max_digits", 4 if maximum <= 1 else 6)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("help_text", _("Vollzeitäquivalente, z. B. 0,5 oder 1,0"))
        super().__init__(*args, places=1, **kwargs)

    def clean(self, value):
        number = self.to_python(value)
        if number is not None and (number <= 0 or number > self.maximum):
            if self.maximum == 1:
                raise ValidationError(self.error_messages["range"], code="range")
            raise ValidationError(_("Bitte eine Zahl größer als 0 eingeben."), code="range")
        return super().clean(value)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)):
            return format_fte(value)
        return value


class GermanDateField(forms.DateField):
    # <input type="date">: the browser offers its date picker and sends ISO dates
    # (JJJJ-MM-TT); the range is the plausible one (kim.periods.validate_plausible_date). Typed
    # German dates (TT.MM.JJJJ: imports, scripts, browsers without a picker) are still accepted.
    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "min": "2000-01-01", "max": "2100-12-31"})
    input_formats = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
    default_error_messages = {
        "invalid": _("Bitte ein gültiges Datum eingeben (TT.MM.JJJJ)."),
    }

    def validate(self, value):
        super().validate(value)
        validate_plausible_date(value)


class YearField(forms.IntegerField):
    default_error_messages = {
        "invalid": _("Bitte ein Jahr vierstellig eingeben, z. B. 2021."),
        "min_value": _("Das Jahr muss zwischen 2000 und 2100 liegen."),
        "max_value": _("Das Jahr muss zwischen 2000 und 2100 liegen."),
    }

    def __init__(self, *args, **kwargs):
        # The model field passes min_value=0; a plausible budget year is what matters here.
        kwargs["min_value"] = 2000
        kwargs["max_value"] = 2100
        super().__init__(*args, **kwargs)
        self.widget.attrs.pop("step", None)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs


# Larger keys cannot exist (64-bit ids); SQLite raises OverflowError for them instead of "no match".
MAX_KEY = 2**63 - 1


def _impossible_key(value) -> bool:
    text = str(value).strip()
    return text.isascii() and text.isdigit() and (len(text) > 19 or int(text) > MAX_KEY)


class KeyCheckedModelChoiceField(forms.ModelChoiceField):
    """A choice whose submitted id is beyond any stored id is an invalid choice, not a database error."""

    def to_python(self, value):
        if value not in self.empty_values and _impossible_key(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class KeyCheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if isinstance(value, (list, tuple)):
            for pk in value:
                if _impossible_key(pk):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                    )
        return super()._check_values(value)


def formfield_callback(field, **kwargs):
    """Map model fields to the German input fields: money → EuroField, FTE → FTEField, dates, years."""

    if isinstance(field, models.DecimalField):
        kwargs.setdefault("required", not field.blank)
        kwargs.setdefault("label", field.verbose_name)
        kwargs.setdefault("help_text", field.help_text or None)
        if field.decimal_places == 3:
            maximum = Decimal("1") if field.max_digits == 4 else Decimal("999")
            return FTEField(maximum=maximum, **{k: v for k, v in kwargs.items() if v is not None})
        return EuroField(**{k: v for k, v in kwargs.items() if v is not None})
    if isinstance(field, models.DateField):
        return field.formfield(form_class=GermanDateField, **kwargs)
    if isinstance(field, models.PositiveSmallIntegerField) and field.name in {"year", "budget_year"}:
        return field.formfield(form_class=YearField, **kwargs)
    if isinstance(field, models.ForeignKey):
        return field.formfield(form_class=KeyCheckedModelChoiceField, **kwargs)
    if isinstance(field, models.ManyToManyField):
        return field.formfield(form_class=KeyCheckedModelMultipleChoiceField, **kwargs)
    return field.formfield(**kwargs)


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: each error at its field when the form has that field,
    the rest (and errors without a field) above the form. Forms, admin forms and upload buttons share it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class VersionForm(forms.Form):
    """A state-changing button of a versioned object (submit, accept, release …): the version of the page
    it was on, in the hidden ``version`` field, required.

    Without it the button is refused exactly like one from an outdated page: nothing is saved and a German
    message asks to reload. Buttons that send more (a reason, a file) subclass this form.
    """

    version = VersionField(error_messages={key: STALE_PAGE for key in VersionField.default_error_messages})


class ConstraintErrorsAtFieldMixin:
    """Show a unique-constraint violation at a field instead of at the top of the form.

    A ModelForm reports a violated multi-field ``UniqueConstraint`` (and a service may raise the same
    message) as a non-field error. Every non-field error whose message equals the
    ``violation_error_message`` of one of the model's UniqueConstraints is moved to the last field of
    that constraint that is in the form (``year`` for post + year). ``constraint_error_fields`` maps a
    constraint name to another field where that reads better.
    """

    constraint_error_fields: dict[str, str] = {}

    def _constraint_error_targets(self) -> dict[str, str]:
        targets: dict[str, str] = {}
        for constraint in self._meta.model._meta.constraints:
            if not isinstance(constraint, UniqueConstraint) or not constraint.fields:
                continue
            field = self.constraint_error_fields.get(constraint.name)
            if field not in self.fields:
                field = next((name for name in reversed(constraint.fields) if name in self.fields), None)
            if field is not None:
                targets[str(constraint.get_violation_error_message())] = field
        return targets

    def add_error(self, field, error):
        if field in (None, NON_FIELD_ERRORS):
            targets = self._constraint_error_targets()
            if not isinstance(error, ValidationError):
                error = ValidationError(error)
            errors = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.error_list}
            placed: dict[str, list[ValidationError]] = {}
            for name, items in errors.items():
                for item in items:
                    target = name
                    if name == NON_FIELD_ERRORS:
                        message = item.message % item.params if item.params else item.message
                        target = targets.get(str(message), name)
                    placed.setdefault(target, []).append(item)
            field, error = None, ValidationError(placed)
        super().add_error(field, error)


class PeriodFormMixin:
    """end ≥ start, reported at the end field. Subclasses name their fields."""

    period_fields = ("start", "end")

    def clean(self):
        cleaned = super().clean()
        start_name, end_name = self.period_fields
        start, end = cleaned.get(start_name), cleaned.get(end_name)
        if start and end and end < start:
            self.add_error(end_name, _("Das Ende darf nicht vor dem Beginn liegen."))
        return cleaned


def active_choices(form: forms.BaseForm, name: str, queryset: QuerySet) -> None:
    """Offer only active records in a choice field, plus the one already chosen (a deactivated
    carrier keeps its old posts and contracts editable, but is offered for nothing new)."""
    current = getattr(getattr(form, "instance", None), f"{name}_id", None)
    condition = Q(is_active=True) | Q(pk=current) if current else Q(is_active=True)
    form.fields[name].queryset = queryset.filter(condition)


class CarrierForm(forms.ModelForm):
    class Meta:
        from kim.models import Organisation

        model = Organisation
        fields = ["name", "short_name", "slug", "parent", "address", "is_active"]
        help_texts = {
            "slug": _("Kleinbuchstaben, Ziffern und Bindestriche; erscheint in Adressen und im Benutzernamen.")
        }

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        active_choices(self, "parent", Organisation.objects.filter(kind=OrganisationKind.UMBRELLA))
        self.fields["parent"].label = _("Dachverband")


def add_help_texts(form_class: type[forms.BaseForm], texts: dict[str, object]) -> None:
    """Give fields whose meaning is not obvious a German help text (rendered below the field and
    tied to it by ``aria-describedby``). Works for declared and model-generated fields alike; a
    field the form does not have is a programming error."""
    for name, text in texts.items():
        form_class.base_fields[name].help_text = text


# Help texts for fields whose meaning is not obvious (shown below the field, aria-describedby).
add_help_texts(
    CarrierForm,
    {
        "short_name": _("Kurze Bezeichnung für Tabellen, Diagramme und Auswahllisten, z. B. „Caritas“."),
        "is_active": _("Inaktive Träger erscheinen in keiner Auswahlliste mehr; ihre Daten bleiben erhalten."),
    },
)


FormT = TypeVar("FormT", bound=forms.BaseForm)
EMPTY_CHOICE_LABEL = _("– bitte wählen –")
DJANGO_BLANK_LABEL = "---------"


def harmonise_empty_choices(form: FormT) -> FormT:
    """One label for "nothing chosen yet" in every form: Django's "---------" becomes
    "– bitte wählen –" (select fields of models, foreign keys and choice fields alike)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_BLANK_LABEL:
                field.empty_label = EMPTY_CHOICE_LABEL
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            choices = list(field.choices)
            if choices and choices[0] == ("", DJANGO_BLANK_LABEL):
                field.choices = [("", EMPTY_CHOICE_LABEL), *choices[1:]]
    return form


class OrganisationForm(forms.ModelForm):
    """Every kind of organisation with its place in the hierarchy (A 46's master data)."""

    class Meta:
        model = Organisation
        fields = ["kind", "name", "short_name", "slug", "parent", "address", "is_active"]
        help_texts = {
            "slug": _("Kleinbuchstaben, Ziffern und Bindestriche; erscheint in Adressen."),
            "parent": _("Ämter gehören zur Körperschaft, Träger zu ihrem Dachverband, Behörden zum Land."),
            "is_active": _("Inaktive Organisationen erscheinen in keiner Auswahlliste mehr; ihre Daten bleiben."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Organisation.objects.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        active_choices(self, "parent", parents)


class MunicipalityForm(forms.ModelForm):
    class Meta:
        from kim.models import Municipality

        model = Municipality
        fields = ["name", "slug", "official_key", "module2_area", "organisation", "is_active"]
        help_texts = {"official_key": _("Amtlicher Gemeindeschlüssel, 8 Ziffern (z. B. 05334004).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active_choices(self, "organisation", Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY))

    def clean_official_key(self) -> str:
        key = self.cleaned_data["official_key"].strip()
        if key and (len(key) != 8 or not key.isdigit()):
            raise ValidationError(_("Der Gemeindeschlüssel hat 8 Ziffern."))
        return key
