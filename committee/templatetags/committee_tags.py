from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

register = template.Library()


@register.filter
def align_of(columns: list[dict], index: int) -> str:
    """The alignment ("l"/"r") of a generated table's column ``index``."""
    try:
        return columns[index]["align"]
    except (IndexError, KeyError, TypeError):
        return "l"


def _cell(value: object) -> str:
    """A cell as ``{{ cell }}`` writes it: local time, localised, escaped."""
    return conditional_escape(localize(template_localtime(value)))


@register.filter
def table_rows(table: dict) -> SafeString:
    """Body and footer of a generated table (``<tbody>``, ``<tfoot>`` with the right-aligned columns
    as ``money``), written in Python: a paper's tables have hundreds of cells, and a template loop
    per cell cost more than the rest of the paper page."""
    columns = table.get("columns") or []
    classes = [' class="money"' if align_of(columns, i) == "r" else "" for i in range(len(columns))]

    def attrs(i: int) -> str:
        return classes[i] if i < len(classes) else ""

    rows = "".join(
        "<tr>" + "".join(f"<td{attrs(i)}>{_cell(cell)}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in table.get("rows") or []
    )
    html = f"<tbody>{rows}</tbody>"
    footer = table.get("footer")
    if footer:
        cells = "".join(f"<td{attrs(i)}><strong>{_cell(cell)}</strong></td>" for i, cell in enumerate(footer))
        html += f"\n    <tfoot><tr>{cells}</tr></tfoot>"
    return mark_safe(html)  # noqa: S308 – every cell escaped above
