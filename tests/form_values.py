"""What a browser sends back for a form it was shown unchanged, and a stale-edit scenario for tests."""

from __future__ import annotations

from typing import Any

from django import forms


def browser_values(form: forms.BaseForm) -> dict[str, Any]:
    """Every field's value as rendered (hidden ``version`` included); unchecked boxes are left out."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        bound = form[name]
        value = bound.value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
            continue
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[name] = [str(v.pk if hasattr(v, "pk") else v) for v in (value or [])]
            continue
        shown = field.widget.format_value(field.prepare_value(value))
        if isinstance(shown, list):
            shown = shown[0] if shown else ""
        data[name] = "" if shown is None else shown
    return data


def stale_edit(url: str, first, second, *, first_changes: dict[str, Any], second_changes: dict[str, Any]):
    """Both clients open the edit form; ``second`` saves first (must succeed), then ``first`` saves the form
    it loaded earlier. Returns the answer to the stale save."""
    loaded_first = first.get(url)
    assert loaded_first.status_code == 200
    values_first = browser_values(loaded_first.context["form"])
    loaded_second = second.get(url)
    values_second = browser_values(loaded_second.context["form"])
    assert values_first["version"] == values_second["version"]
    saved = second.post(url, {**values_second, **second_changes})
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    return first.post(url, {**values_first, **first_changes})


def top_errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


def kept_values(form: forms.BaseForm, typed: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the rendered form would send for the fields of ``typed`` and what was typed, both as the
    fields read them: a date typed "01.04.2021" and shown by the date input as 2021-04-01 is the same."""
    shown = browser_values(form)
    return (
        {name: form.fields[name].clean(shown[name]) for name in typed},
        {name: form.fields[name].clean(str(value)) for name, value in typed.items()},
    )
