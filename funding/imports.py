"""Import of grant notices and their allocations to posts from a spreadsheet (kim/imports.py reads and checks).

Natural keys: a notice is its authority and reference (Aktenzeichen, unique per authority); an
allocation is its notice, post and start.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding.models import CostPlan, ForwardingContract, GrantAllocation, GrantNotice, Programme
from funding.selectors import forwarded_total, grants_for_year, money_sum
from funding.services import allocation_save, cost_plan_save, forwarding_save, grant_save
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
        grant = _pick_grant(self, values)
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


def _pick_grant(kind: Any, values: dict[str, Any]) -> GrantNotice:
    authority = pick_organisation(kind.orgs, values["authority"], AUTHORITY)
    grant = kind.grants.get((authority.pk, _key(values["reference"])))
    if grant is None:
        raise RowProblem(
            REFERENCE,
            _("Einen Bescheid „%(r)s“ von %(a)s gibt es nicht; bitte zuerst die Bescheide übernehmen.")
            % {"r": values["reference"][:80], "a": authority},
        )
    return grant


class CostPlanImport(ImportKind):
    """A carrier's cost plan of a post and year (natural key: post and year)."""

    slug = "kostenplaene"
    title = gettext_lazy("Kostenpläne")
    fields = (
        Field("Modul", "module", "int", example="2"),
        Field("Stelle", "post", example="Case Management Beispielstadt"),
        Field("Jahr", "year", "int", example="2021"),
        Field("Personalkosten", "personnel", "decimal2", example="64.000,00"),
        Field("Sach- und Overheadkosten", "material_overhead", "decimal2", example="0,00"),
        Field("Entwurf", "is_draft", "bool", required=False, example="nein"),
    )
    error_columns = {
        "post": "Stelle",
        "year": "Jahr",
        "personnel": "Personalkosten",
        "material_overhead": "Sach- und Overheadkosten",
        "is_draft": "Entwurf",
    }
    constraint_columns = {"Jahr": "Jahr", "negativ": "Personalkosten"}

    def prepare(self) -> None:
        self.posts = posts_by_key()
        self.existing = {(p.post_id, p.year): p for p in CostPlan.objects.all()}
        self.years: set[int] = set()

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        post = pick_post(self.posts, values["module"], values["post"], "Stelle")
        self.years.add(values["year"])
        return {
            "post": post,
            "year": values["year"],
            "personnel": values["personnel"],
            "material_overhead": values["material_overhead"],
            "is_draft": values["is_draft"],
        }

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (data["post"].pk, data["year"])

    def label(self, data: dict[str, Any]) -> str:
        return f"{data['post'].title} {data['year']}"

    def find(self, data: dict[str, Any]) -> CostPlan | None:
        return self.existing.get(self.natural_key(data))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {k: data[k] for k in ("personnel", "material_overhead", "is_draft")}

    def save(self, existing: CostPlan | None, data: dict[str, Any], user: Any) -> CostPlan:
        plan = cost_plan_save(plan=existing, data=data, user=user)
        self.existing[self.natural_key(data)] = plan
        return plan

    def totals(self) -> list[tuple[str, str]]:
        result = []
        for year in sorted(self.years)[:5]:
            plans = CostPlan.objects.filter(year=year)
            result.append(
                (
                    _("Kostenpläne %(y)s") % {"y": year},
                    _("%(n)d Pläne, Personalkosten %(p)s")
                    % {"n": plans.count(), "p": format_euro(money_sum(plans, "personnel"))},
                )
            )
        return result


class ForwardingImport(ImportKind):
    """A forwarding contract (natural key: post and start, unique in the model); its amount is computed."""

    slug = "weiterleitungsvertraege"
    title = gettext_lazy("Weiterleitungsverträge")
    fields = (
        Field(AUTHORITY, "authority", example="Bezirksregierung Arnsberg"),
        Field(REFERENCE, "reference", max_length=100, example="36.08.01-KIM-2021-002"),
        Field("Modul", "module", "int", example="2"),
        Field("Stelle", "post", example="Case Management Beispielstadt"),
        Field("Vertragsnummer", "contract_reference", required=False, max_length=100, example="WV-2021-01"),
        Field("unterzeichnet am", "signed_on", "date", required=False, example="20.01.2021"),
        Field("von", "start", "date", example="01.01.2021"),
        Field("bis", "end", "date", example="31.12.2021"),
        Field("Entwurf", "is_draft", "bool", required=False, example="nein"),
    )
    error_columns = {
        "grant": REFERENCE,
        "post": "Stelle",
        "reference": "Vertragsnummer",
        "signed_on": "unterzeichnet am",
        "start": "von",
        "end": "bis",
        "is_draft": "Entwurf",
    }
    constraint_columns = {"Ende": "bis", "Zeitraum": "von"}

    def prepare(self) -> None:
        self.orgs = organisations_by_name()
        self.grants = {(g.authority_id, _key(g.reference)): g for g in GrantNotice.objects.select_related("programme")}
        self.posts = posts_by_key()
        # the import enters the body's own contracts; onward contracts are entered on their contract's page
        self.existing = {(c.post_id, c.start): c for c in ForwardingContract.objects.first_level()}
        self.years: set[int] = set()

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        grant = _pick_grant(self, values)
        post = pick_post(self.posts, values["module"], values["post"], "Stelle")
        self.years.add(values["start"].year)
        return {
            "grant": grant,
            "post": post,
            "reference": values["contract_reference"],
            "signed_on": values["signed_on"],
            "start": values["start"],
            "end": values["end"],
            "is_draft": values["is_draft"],
        }

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (data["post"].pk, data["start"])

    def label(self, data: dict[str, Any]) -> str:
        return _("%(p)s ab %(d)s") % {"p": data["post"].title, "d": data["start"].strftime("%d.%m.%Y")}

    def find(self, data: dict[str, Any]) -> ForwardingContract | None:
        return self.existing.get(self.natural_key(data))

    def unchanged(self, existing: Any, data: dict[str, Any]) -> bool:
        return existing.grant_id == data["grant"].pk and super().unchanged(existing, data)

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {k: data[k] for k in ("reference", "signed_on", "end", "is_draft")}

    def save(self, existing: ForwardingContract | None, data: dict[str, Any], user: Any) -> ForwardingContract:
        contract = forwarding_save(contract=existing, data=data, user=user)
        self.existing[self.natural_key(data)] = contract
        return contract

    def totals(self) -> list[tuple[str, str]]:
        return [
            (_("Weitergeleitet %(y)s") % {"y": year}, format_euro(forwarded_total(year=year)))
            for year in sorted(self.years)[:5]
        ]


KINDS: dict[str, type[ImportKind]] = {
    k.slug: k for k in (GrantImport, AllocationImport, CostPlanImport, ForwardingImport)
}
