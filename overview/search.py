"""One search over posts, organisations, grant notices, contracts and papers, scoped by role.

Every kind is read with one query through its model's ``objects.for_user(user)`` (the scoping choke
point), so carrier staff find only their own organisation, its posts and contracts and the published
papers, and never a notice or another carrier's name. Each kind returns at most ``LIMIT`` hits; one
more row is read to know whether there are more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from committee.models import Paper
from funding.models import ForwardingContract, GrantNotice
from kim.models import Organisation, OrganisationKind
from kim.reversing import fast_reverse
from modules.models import Post

LIMIT = 20
MIN_LENGTH = 2
MAX_LENGTH = 100


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Suchbegriff"),
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        required=False,
        help_text=_("Name, Bezeichnung oder Nummer, z. B. eine Vorlagennummer oder ein Aktenzeichen."),
        error_messages={
            "min_length": _("Bitte mindestens %(limit_value)d Zeichen eingeben."),
            "max_length": _("Bitte höchstens %(limit_value)d Zeichen eingeben (jetzt %(show_value)d)."),
            "null_characters_not_allowed": _("Der Suchbegriff enthält ein unzulässiges Steuerzeichen."),
        },
    )


@dataclass(frozen=True)
class Hit:
    label: str
    url: str
    detail: str = ""


@dataclass
class Group:
    key: str
    title: str | Promise
    hits: list[Hit] = field(default_factory=list)
    more: bool = False


def _words(query: str) -> list[str]:
    return [w for w in query.split() if w][:5]


def _match(query: str, *fields: str) -> Q:
    """Every word of the query in one of the fields (so "Caritas 2021" finds a Caritas contract of 2021)."""
    condition = Q()
    for word in _words(query):
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def _bounded(qs: QuerySet[Any]) -> tuple[list[Any], bool]:
    rows = list(qs[: LIMIT + 1])
    return rows[:LIMIT], len(rows) > LIMIT


def _posts(user, query: str) -> Group:
    condition = _match(query, "title", "module__name", "employer__name", "employer__short_name", "place__name")
    if query.isdigit():
        condition |= Q(pk=int(query))
    qs = Post.objects.for_user(user).filter(condition).select_related("module", "employer").order_by("title", "pk")
    rows, more = _bounded(qs)
    group = Group("posts", _("Stellen"), more=more)
    group.hits = [Hit(p.title, p.get_absolute_url(), f"{p.module} · {p.employer}") for p in rows]
    return group


def _organisations(user, query: str) -> Group:
    qs = Organisation.objects.for_user(user).filter(_match(query, "name", "short_name")).order_by("name")
    rows, more = _bounded(qs)
    group = Group("organisations", _("Organisationen"), more=more)
    staff = not user.is_carrier_staff
    for org in rows:
        if org.kind == OrganisationKind.CARRIER:
            url = org.get_absolute_url()
        elif staff:
            url = fast_reverse("masterdata:organisation_detail", args=[org.pk])
        else:
            continue  # carrier staff reach only their own carrier (kim.models.OrganisationQuerySet.for_user)
        group.hits.append(Hit(org.name, url, str(org.get_kind_display())))
    return group


def _notices(user, query: str) -> Group:
    qs = (
        GrantNotice.objects.for_user(user)
        .filter(_match(query, "reference", "programme__name", "programme__short_name"))
        .select_related("programme")
        .order_by("-period_start", "reference", "pk")
    )
    rows, more = _bounded(qs)
    group = Group("notices", _("Förderbescheide"), more=more)
    group.hits = [Hit(str(g), g.get_absolute_url(), f"{g.period_start:%d.%m.%Y}–{g.period_end:%d.%m.%Y}") for g in rows]
    return group


def _contracts(user, query: str) -> Group:
    condition = _match(query, "reference", "post__title", "carrier__name", "carrier__short_name")
    if query.isdigit() and len(query) == 4:
        condition |= Q(year=int(query))
    qs = (
        ForwardingContract.objects.for_user(user)
        .filter(condition)
        .select_related("carrier", "post")
        .order_by("-year", "carrier__name", "post__title", "pk")
    )
    rows, more = _bounded(qs)
    group = Group("contracts", _("Weiterleitungsverträge"), more=more)
    group.hits = [
        Hit(str(c), c.get_absolute_url(), c.reference or f"{c.start:%d.%m.%Y}–{c.end:%d.%m.%Y}") for c in rows
    ]
    return group


def _papers(user, query: str) -> Group:
    qs = Paper.objects.for_user(user).filter(deleted=False).filter(_match(query, "number", "title")).order_by("-number")
    rows, more = _bounded(qs)
    group = Group("papers", _("Sitzungsvorlagen"), more=more)
    group.hits = [Hit(f"{p.number} {p.title}", p.get_absolute_url(), f"{p.date:%d.%m.%Y}") for p in rows]
    return group


def search_everything(*, user, query: str) -> list[Group]:
    """The hits of each kind the user may see; kinds the role cannot open are left out (no notices for
    carrier staff). One query per kind, at most ``LIMIT`` hits each."""
    query = query.strip()
    if len(query) < MIN_LENGTH:
        return []
    kinds = [_posts, _organisations]
    if not user.is_carrier_staff:
        kinds.append(_notices)
    kinds += [_contracts, _papers]
    return [kind(user, query) for kind in kinds]
