"""Dates limited to 2000–2100 everywhere a date is entered (issue 14, hole 8): every form class of the
project's apps whose fields include a date field uses kim.forms.GermanDateField (its validate() applies
kim.periods.validate_plausible_date), and the shared validator refuses 31.12.9999 and 31.12.1999."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date, datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError

from kim.forms import GermanDateField
from kim.periods import validate_plausible_date

APPS = ("casemanagement", "committee", "funding", "kim", "modules", "overview")


def project_form_classes() -> list[type[forms.BaseForm]]:
    found = {}
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in info.name or ".management" in info.name or ".tests" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__.split(".")[0] in APPS:
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[k] for k in sorted(found)]


def test_the_sweep_finds_the_projects_forms_with_dates():
    with_dates = [
        c for c in project_form_classes() if any(isinstance(f, forms.DateField) for f in c.base_fields.values())
    ]
    assert len(with_dates) >= 10, [c.__qualname__ for c in with_dates]


def test_every_date_field_of_every_form_is_limited_to_2000_to_2100():
    wrong = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in project_form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField)
        and not isinstance(field, forms.DateTimeField)
        and not isinstance(field, GermanDateField)
    ]
    assert not wrong, "date fields without the 2000–2100 range:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (date(1999, 12, 31), False),
        (date(2000, 1, 1), True),
        (date(2100, 12, 31), True),
        (date(2101, 1, 1), False),
        (date(9999, 12, 31), False),
        (datetime(9999, 12, 31, 23, 59), False),
    ],
)
def test_the_shared_validator(value, ok):
    if ok:
        validate_plausible_date(value)
    else:
        with pytest.raises(ValidationError) as caught:
            validate_plausible_date(value)
        assert caught.value.messages == ["Bitte ein Datum zwischen 2000 und 2100 eingeben."]
