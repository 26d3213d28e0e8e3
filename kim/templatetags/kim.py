"""Template filters: one way to show money, FTE and dates everywhere."""

from __future__ import annotations

from datetime import date

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kim import list_cache
from kim.i18n import german
from kim.money import format_decimal, format_euro, format_fte
from kim.reversing import fast_reverse
from kim.tables import rows_html

register = template.Library()


@register.filter
def euro(value) -> str:
    """55000 → "55.000,00 €"; None → "–"."""
    if value in (None, ""):
        return "–"
    return format_euro(value)


@register.filter
def fte(value) -> str:
    """1 → "1,0"; 0.5 → "0,5"."""
    if value in (None, ""):
        return "–"
    return format_fte(value)


@register.filter
def decimal_de(value, places: int = 2) -> str:
    if value in (None, ""):
        return "–"
    return format_decimal(value, int(places))


@register.filter
def datum(value) -> str:
    """German date "01.10.2020"; empty → "–".

    A date or datetime is written directly: "d.m.Y" has numbers only, the same in every language, and is
    what ``date_format(value, "d.m.Y")`` gives (no time zone conversion either); that call costs a
    format lookup per date, and the dashboard's lists show a few hundred dates."""
    if not value:
        return "–"
    if isinstance(value, date):
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    return date_format(value, "d.m.Y")


@register.filter
def filesize_de(value) -> str:
    """File size with a German decimal comma in every interface language: 11980 → "11,7 KB"."""

    with german():
        return filesizeformat(value)


@register.simple_tag(takes_context=True)
def kim_table(context, table):
    """``{% render_table table %}`` without its costs: the rows in one pass (kim.tables.rows_html) and the
    page's context reused (render_table builds a new RequestContext and runs the context processors again)."""
    request = context.get("request")
    table.context = context  # as render_table does, for columns that read the page's context
    try:
        table.before_render(request)
        template = context.template.engine.get_template("kim/table.html")
        with context.push(table=table, tbody_rows=rows_html(table)):
            return template.render(context)
    finally:
        del table.context


class ListBodyNode(template.Node):
    """``{% list_body %}…{% endlist_body %}``: the body of a list page, from kim.list_cache when the view
    found it there (``list_body`` in the context), else rendered and stored under ``list_body_key``."""

    child_nodelists = ("nodelist",)  # blocks inside stay overridable by the extending templates

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        cached = context.get("list_body")
        if cached is not None:
            return cached
        html = self.nodelist.render(context)
        key = context.get("list_body_key")
        if key:
            list_cache.store_body(key, str(html))
        return html


@register.tag("list_body")
def list_body(parser, token) -> ListBodyNode:
    nodelist = parser.parse(("endlist_body",))
    parser.delete_first_token()
    return ListBodyNode(nodelist)


@register.simple_tag
def help_link(area: str, anchor: str, label: str = "") -> str:
    """A small "?" after a figure's label, linking to its entry on the area's help page (/hilfe/<area>/#<anchor>).

    The link text for screen readers names the figure ("Erläuterung: <label>")."""
    url = fast_reverse("help") + f"{area}/#{anchor}"
    name = _("Erläuterung: %(label)s") % {"label": label} if label else _("Erläuterung in der Hilfe")
    return format_html(
        '<a class="help-link" href="{}" title="{}"><span aria-hidden="true">?</span><span class="visually-hidden">{}</span></a>',
        url,
        _("Erläuterung in der Hilfe"),
        name,
    )


class ScrollRegionNode(template.Node):
    """``{% scroll_region _("Besetzung") %}<table>…</table>{% endscroll_region %}``: a table that may be
    wider than a phone screen, in a box that scrolls sideways and is reachable by keyboard (WCAG 2.1.1,
    axe ``scrollable-region-focusable``): ``tabindex="0"``, ``role="region"`` and a name, rendered on the
    server, so the page never depends on layout timing or on kim.js noticing that the box scrolls."""

    child_nodelists = ("nodelist",)

    def __init__(self, label: template.base.FilterExpression, nodelist: template.NodeList) -> None:
        self.label = label
        self.nodelist = nodelist

    def render(self, context) -> str:
        return format_html(
            '<div class="table-scroll" role="region" tabindex="0" aria-label="{}">{}</div>',
            scroll_region_label(self.label.resolve(context)),
            self.nodelist.render(context),
        )


def scroll_region_label(name) -> str:
    """The accessible name of a sideways-scrolling table: "Tabelle „Besetzung“, waagerecht scrollbar"."""
    name = str(name or "").strip()
    if not name:
        return _("Tabelle, waagerecht scrollbar")
    return _("Tabelle „%(name)s“, waagerecht scrollbar") % {"name": name}


@register.tag("scroll_region")
def scroll_region(parser, token) -> ScrollRegionNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% scroll_region LABEL %} takes the table's name")
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(parser.compile_filter(bits[1]), nodelist)


# the same name for a wrapper written out in a template (django_tables2's ``table-container``)
register.simple_tag(scroll_region_label, name="scroll_region_name")
