from django import template

register = template.Library()


@register.filter
def align_of(columns: list[dict], index: int) -> str:
    """The alignment ("l"/"r") of a generated table's column ``index``."""
    try:
        return columns[index]["align"]
    except (IndexError, KeyError, TypeError):
        return "l"
