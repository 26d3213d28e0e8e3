"""Form renderer: Django's templates, except select boxes, whose options are written in Python.

A select box renders every option through two included templates (option, attributes). The post list's
filter has an employer box with one option per carrier (more than 100 at county scale), and its filter
form took about a fifth of the request (bench --profile). ``render_select`` writes the markup of
``django/forms/widgets/select.html`` and ``select_option.html`` directly, with the template engine's own
output function (escaping, localisation), so the HTML is the same; tests/kim/test_form_renderer.py
compares it with the template's. A widget with its own option template keeps the templates.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _string(value, context: Context) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text (safe text stays safe), escaped."""
    text = str(value) if isinstance(value, tuple) else "%s" % (value,)  # noqa: UP031 – the filter's own formatting
    if isinstance(value, SafeData):
        text = mark_safe(text)  # noqa: S308 – was safe before, as the filter keeps it
    return render_value_in_context(text, context)


def _attrs(attrs: dict, context: Context) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        name_html = render_value_in_context(name, context)
        out.append(f" {name_html}" if value is True else f' {name_html}="{_string(value, context)}"')
    return "".join(out)


def render_select(widget: dict) -> str | None:
    """The select box's HTML, or None when an option brings its own template."""
    context = Context(autoescape=True)
    parts = [f'<select name="{render_value_in_context(widget["name"], context)}"{_attrs(widget["attrs"], context)}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, context)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{_string(option["value"], context)}"{_attrs(option["attrs"], context)}>'
                f"{render_value_in_context(option['label'], context)}</option>\n"  # the option template ends in a newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 – every part escaped above


class FastSelectRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's template renderer with select boxes written directly."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            html = render_select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
