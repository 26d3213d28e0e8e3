"""Long row lists of the controlling pages and the A 46 dashboard, written in Python.

At county scale the dashboard lists a few hundred repayment risks and post timelines; through the
template engine every row cost a dozen variable lookups and translation tags (about a third of the
dashboard's first request after a write, bench --profile). These tags give the markup the templates
gave, with the same message ids (translated once per list, not per row) and the same escaping
(``render_value_in_context``: localised and autoescaped like ``{{ value }}``)."""

from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from kim.reversing import fast_reverse
from kim.templatetags.kim import datum, euro

register = template.Library()


def _plural(cache: dict, singular: str, plural: str, n, context) -> str:
    """``{% blocktranslate count n=… %}`` for one count, each count translated once per list."""
    if n not in cache:
        cache[n] = ngettext(singular, plural, n) % {"n": render_value_in_context(n, context)}
    return cache[n]


@register.simple_tag(takes_context=True)
def timeline_rows(context, rows) -> SafeString:
    """The <tbody> rows of funding/controlling/_timeline_table.html (post timelines)."""
    esc = conditional_escape
    within: dict = {}
    no_funding = esc(gettext("keine Förderung zugeordnet"))
    open_contract = esc(gettext("unbefristeter Vertrag, befristete Förderung"))
    beyond = gettext("Vertrag läuft %(n)s Tage über die Förderung hinaus")
    out = []
    for t in rows:
        post = t.post
        funding = esc(datum(t.funding_end))
        if t.funding_horizon:
            badge = _plural(
                within, "endet binnen %(n)s Monat", "endet binnen %(n)s Monaten", t.funding_horizon, context
            )
            funding += f' <span class="badge warn">{badge}</span>'
        contract = esc(datum(t.contract_end))
        if t.contract_horizon:
            badge = _plural(
                within, "endet binnen %(n)s Monat", "endet binnen %(n)s Monaten", t.contract_horizon, context
            )
            contract += f' <span class="badge warn">{badge}</span>'
        gap = t.gap_days
        if t.funding_end is None:
            note = no_funding
        elif gap is not None and gap > 0:
            note = beyond % {"n": render_value_in_context(gap, context)}
        elif t.contract_end is None:
            note = open_contract
        else:
            note = ""
        out.append(
            "<tr>\n"
            f'    <th scope="row"><a href="{esc(post.get_absolute_url())}">{esc(post.title)}</a></th>\n'
            f"    <td>{render_value_in_context(post.employer, context)}</td>\n"
            f"    <td>{funding}</td>\n"
            f"    <td>{contract}</td>\n"
            f"    <td>{note}</td>\n"
            "  </tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 – every value escaped above


@register.simple_tag(takes_context=True)
def risk_items(context, risks) -> SafeString:
    """The <li> items of the dashboard's repayment-risk list (templates/dashboard/_body.html)."""
    esc = conditional_escape
    text = gettext(
        "%(prog)s: „%(post)s“ – %(received)s erhalten, förderfähig anteilig %(eligible)s, Differenz %(diff)s; "
        "Ursache: %(causes)s"
    )
    late = gettext("; die Stelle beginnt erst am %(start)s")
    out = []
    for r in risks:
        item = text % {
            "prog": ", ".join(esc(p) for p in r.programmes),  # the join filter: items escaped
            "post": render_value_in_context(r.post.title, context),
            "received": esc(euro(r.received)),
            "eligible": esc(euro(r.eligible)),
            "diff": esc(euro(r.difference)),
            "causes": "; ".join(esc(c) for c in r.cause_labels),
        }
        if "late_start" in r.causes:
            item += late % {"start": esc(datum(r.post.start))}
        out.append(f"\n    <li>{item}.</li>\n  ")
    return mark_safe("".join(out))  # noqa: S308 – every value escaped above


@register.simple_tag(takes_context=True)
def proof_items(context, proofs) -> SafeString:
    """The <li> items of the dashboard's proofs of use due (templates/dashboard/_body.html): each item's
    texts translated once per list, the subject and status escaped like ``{{ value }}``."""
    esc = conditional_escape
    overdue = f"<strong>{esc(gettext('überfällig'))}</strong>: "
    text = gettext("Verwendungsnachweis %(s)s – fällig am %(d)s (%(st)s)")
    link = esc(gettext("öffnen"))
    plurals: dict = {}
    statuses: dict = {}  # each status's label looked up once per list
    out = []
    for p in proofs:
        item = overdue if p.days_left < 0 else ""
        if p.status not in statuses:
            statuses[p.status] = render_value_in_context(p.get_status_display(), context)
        item += text % {
            "s": render_value_in_context(p.subject, context),
            "d": render_value_in_context(datum(p.due_on), context),
            "st": statuses[p.status],
        }
        if p.days_left >= 0:
            item += ", " + _plural(plurals, "noch %(n)s Tag", "noch %(n)s Tage", p.days_left, context)
        item += f' – <a href="{esc(fast_reverse("funding:proof_detail", [p.pk]))}">{link}</a>'
        out.append(f"\n    <li>{item}</li>\n  ")
    return mark_safe("".join(out))  # noqa: S308 – every value escaped above


@register.simple_tag(takes_context=True)
def missing_return_items(context, rows) -> SafeString:
    """The <li> items of the due list's missing monthly returns per carrier (templates/dashboard/_todo.html):
    about a hundred carriers at county scale, each a link and a plural; the link reversed once."""
    url = conditional_escape(reverse("casemanagement:return_list"))
    plurals: dict = {}
    out = []
    for c in rows:
        months = _plural(plurals, "%(n)s Monat", "%(n)s Monate", c.count, context)
        name = render_value_in_context(c.carrier_name, context)
        out.append(f'<li><a href="{url}?carrier={c.carrier_id:d}">{name}</a>: {months}</li>')
    return mark_safe("".join(out))  # noqa: S308 – every value escaped above
