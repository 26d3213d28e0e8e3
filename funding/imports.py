"""Import of grant notices and their allocations to posts from a spreadsheet (kim/imports.py reads and checks).

Natural keys: a notice is its authority and reference (Aktenzeichen, unique per authority); an
allocation is its notice, post and start.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding.models import GrantAllocation, GrantNotice, Programme
from funding.selectors import grants_for_year, money_sum
from funding.services import allocation_save, grant_save
from kim.imports import Field, ImportKind, RowProblem
from kim.money import format_euro, format_fte
from modules.imports import _key, organisations_by_name, pick_organisation, pick_post, posts_by_key

PROGRAMME = "Programm"
AUTHORITY = "Bewilligungsbehörde"
REFERENCE = "Aktenzeichen"


class GrantImport(ImportKind):
    slug = "bescheide"
    title = gettext_lazy("Förderbescheide")
    fields = (
        Field(PROGRAMME, "programme", example="KIM Modul 2"),
        Field("Zuwendungsempfänger", "recipient", example="Kreis Beispielland"),
        Field(AUTHORITY, "authority", example="Bezirksregierung Arnsberg"),
        Field(REFERENCE, "reference", max_length=100, example="36.08.01-KIM-2020-001"),
        Field("Bescheiddatum", "issued_on", "date", example="15.06.2020"),
        Field("Bewilligungszeitraum von", "period_start", "date", example="01.07.2020"),
        Field("Bewilligungszeitraum bis", "period_end", "date", example="31.12.2020"),
        Field("bewilligte VZÄ", "approved_fte", "decimal3", example="6,000"),
        Field("Zuwendung", "amount", "decimal2", example="165.000,00"),
        Field("Entwurf", "is_draft", "bool", required=False, example="nein"),
    )
    error_columns = {
        "programme": PROGRAMME,
        "recipient": "Zuwendungsempfänger",
        "authority": AUTHORITY,
        "reference": REFERENCE,
        "issued_on": "Bescheiddatum",
        "period_start": "Bewilligungszeitraum von",
        "period_end": "Bewilligungszeitraum bis",
        "approved_fte": "bewilligte VZÄ",
        "amount": "Zuwendung",
        "is_draft": "Entwurf",
    }
    constraint_columns = {
        "VZÄ": "bewilligte VZÄ",
        "Ende": "Bewilligungszeitraum bis",
        "Betrag": "Zuwendung",
        "Aktenzeichen": REFERENCE,
    }

    def prepare(self) -> None:
        self.orgs = organisations_by_name()
        self.programmes: dict[str, list[Programme]] = {}
        for programme in Programme.objects.all():
            for name in {programme.name, programme.short_name}:
                self.programmes.setdefault(_key(name), []).append(programme)
        self.grants = {(g.authority_id, _key(g.reference)): g for g in GrantNotice.objects.all()}
        self.years: set[int] = set()

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        data = dict(values)
        found = self.programmes.get(_key(values["programme"]), [])
        if len(found) != 1:
            raise RowProblem(
                PROGRAMME,
                _("„%(v)s“ ist kein bekanntes Programm (Bezeichnung oder Kurzname).") % {"v": values["programme"][:80]},
            )
        data["programme"] = found[0]
        data["recipient"] = pick_organisation(self.orgs, values["recipient"], "Zuwendungsempfänger")
        data["authority"] = pick_organisation(self.orgs, values["authority"], AUTHORITY)
        self.years.add(values["period_start"].year)
        return data

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (data["authority"].pk, _key(data["reference"]))

    def label(self, data: dict[str, Any]) -> str:
        return f"{data['reference']} ({data['authority']})"

    def find(self, data: dict[str, Any]) -> GrantNotice | None:
        return self.grants.get(self.natural_key(data))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def save(self, existing: GrantNotice | None, data: dict[str, Any], user: Any) -> GrantNotice:
        grant = grant_save(grant=existing, data=data, user=user)
        self.grants[self.natural_key(data)] = grant
        return grant

    def totals(self) -> list[tuple[str, str]]:
        result = []
        for year in sorted(self.years)[:5]:
            grants = grants_for_year(year=year).filter(is_draft=False)
            result.append(
                (
                    _("Förderbescheide %(y)s") % {"y": year},
                    _("%(n)d Bescheide, %(a)s") % {"n": grants.count(), "a": format_euro(money_sum(grants, "amount"))},
                )
            )
        return result


class AllocationImport(ImportKind):
    slug = "zuordnungen"
    title = gettext_lazy("Zuordnungen von Bescheiden zu Stellen")
    fields = (
        Field(AUTHORITY, "authority", example="Bezirksregierung Arnsberg"),
        Field(REFERENCE, "reference", max_length=100, example="36.08.01-KIM-2020-001"),
        Field("Modul", "module", "int", example="2"),
        Field("Stelle", "post", example="Case Management Beispielstadt"),
        Field("VZÄ", "fte", "decimal3", example="1,000"),
        Field("von", "start", "date", example="01.07.2020"),
        Field("bis", "end", "date", example="31.12.2020"),
    )
    error_columns = {"grant": REFERENCE, "post": "Stelle", "fte": "VZÄ", "start": "von", "end": "bis"}
    constraint_columns = {"Anteil": "VZÄ", "Ende": "bis"}

    def prepare(self) -> None:
        self.orgs = organisations_by_name()
        self.grants = {(g.authority_id, _key(g.reference)): g for g in GrantNotice.objects.select_related("programme")}
        self.posts = posts_by_key()
        self.existing = {(a.grant_id, a.post_id, a.start): a for a in GrantAllocation.objects.all()}
        self.touched: set[int] = set()

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        authority = pick_organisation(self.orgs, values["authority"], AUTHORITY)
        grant = self.grants.get((authority.pk, _key(values["reference"])))
        if grant is None:
            raise RowProblem(
                REFERENCE,
                _("Einen Bescheid „%(r)s“ von %(a)s gibt es nicht; bitte zuerst die Bescheide übernehmen.")
                % {"r": values["reference"][:80], "a": authority},
            )
        post = pick_post(self.posts, values["module"], values["post"], "Stelle")
        self.touched.add(grant.pk)
        return {"grant": grant, "post": post, "fte": values["fte"], "start": values["start"], "end": values["end"]}

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (data["grant"].pk, data["post"].pk, data["start"])

    def label(self, data: dict[str, Any]) -> str:
        return f"{data['grant'].reference} → {data['post'].title}"

    def find(self, data: dict[str, Any]) -> GrantAllocation | None:
        return self.existing.get(self.natural_key(data))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"fte": data["fte"], "end": data["end"]}

    def save(self, existing: GrantAllocation | None, data: dict[str, Any], user: Any) -> GrantAllocation:
        allocation = allocation_save(
            grant=data["grant"],
            allocation=existing,
            data={"post": data["post"], "fte": data["fte"], "start": data["start"], "end": data["end"]},
            user=user,
        )
        self.existing[self.natural_key(data)] = allocation
        return allocation

    def totals(self) -> list[tuple[str, str]]:
        result = []
        for grant in GrantNotice.objects.filter(pk__in=self.touched).prefetch_related("allocations")[:10]:
            allocated = sum((a.fte for a in grant.allocations.all()), start=grant.approved_fte * 0)
            result.append(
                (
                    _("Bescheid %(r)s") % {"r": grant.reference},
                    _("%(a)s von %(b)s VZÄ zugeordnet")
                    % {"a": format_fte(allocated), "b": format_fte(grant.approved_fte)},
                )
            )
        return result


KINDS: dict[str, type[ImportKind]] = {k.slug: k for k in (GrantImport, AllocationImport)}
