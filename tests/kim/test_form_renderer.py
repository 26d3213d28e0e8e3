"""kim.form_renderer writes select boxes in Python; the HTML equals Django's own templates'."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kim.form_renderer import FastSelectRenderer
from kim.models import Organisation
from tests import factories as f


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "alle"), ("a", "A & B <c>"), ("2025", 2025)], required=False)
    grouped = forms.ChoiceField(
        choices=[("Gruppe „1“", [("x", "X"), ("y", "Y")]), ("z", "Z")],
        widget=forms.Select(attrs={"class": "wide", "data-flag": True, "hidden-flag": False}),
    )
    many = forms.MultipleChoiceField(choices=[(1, "eins"), (2, "zwei"), (3, mark_safe("<b>drei</b>"))])
    yes_no = forms.NullBooleanField()
    carrier = forms.ModelChoiceField(queryset=Organisation.objects.order_by("name"), empty_label="alle")
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"plain": "a", "grouped": "y", "many": ["1", "3"], "yes_no": "false"}])
def test_select_boxes_are_the_same_html_as_djangos_templates(data):
    f.CarrierFactory(slug="t-1", name="Träger „Eins“ & Co")
    f.CarrierFactory(slug="t-2", name="<Zwei>")
    form = Everything(data=data)
    for name in form.fields:
        field = form[name]
        theirs = field.field.widget.render(
            field.html_name, field.value(), attrs={"id": field.auto_id}, renderer=DjangoTemplates()
        )
        ours = field.field.widget.render(
            field.html_name, field.value(), attrs={"id": field.auto_id}, renderer=FastSelectRenderer()
        )
        assert ours == theirs, name


@pytest.mark.django_db
def test_the_filter_forms_use_the_fast_renderer(client, a46_user):
    from django.conf import settings

    assert settings.FORM_RENDERER == "kim.form_renderer.FastSelectRenderer"
    f.CarrierFactory(slug="t-1", name="Träger „Eins“ & Co", short_name="Träger „Eins“ & Co")
    client.force_login(a46_user)
    html = client.get("/stellen/").content.decode()
    assert ">Träger „Eins“ &amp; Co</option>" in html
