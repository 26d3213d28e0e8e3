"""Import of grant notices and their allocations to posts from a spreadsheet (kim/imports.py reads and checks).

Natural keys: a notice is its authority and reference (Aktenzeichen, unique per authority); an
allocation is its notice, post and start.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from funding.controlling.services import carrier_payment_save
from funding.models import (
    BudgetKind,
    BudgetLine,
    CarrierPayment,
    CostPlan,
    ForecastBasis,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    Programme,
    Rate,
)
from funding.selectors import forwarded_total, grants_for_year, money_sum
from funding.services import (
    allocation_save,
    budget_line_save,
    cost_plan_save,
    forwarding_save,
    grant_save,
    rate_save,
)
from kim.imports import Field, ImportKind, RowProblem
from kim.money import format_euro, format_fte
from modules.imports import _key, organisations_by_name, pick_organisation, pick_post, posts_by_key
from modules.models import PostCategory

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
        self.grants = {(g.authority_id, _key(g.reference)): g for g in GrantNotice.objects.in_force()}
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
                    ngettext("%(n)d Bescheid, %(a)s", "%(n)d Bescheide, %(a)s", n := grants.count())
                    % {"n": n, "a": format_euro(money_sum(grants, "amount"))},
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
        self.grants = {
            (g.authority_id, _key(g.reference)): g for g in GrantNotice.objects.in_force().select_related("programme")
        }
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
                    ngettext(
                        "%(n)d Plan, Personalkosten %(p)s", "%(n)d Pläne, Personalkosten %(p)s", n := plans.count()
                    )
                    % {"n": n, "p": format_euro(money_sum(plans, "personnel"))},
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
        self.grants = {
            (g.authority_id, _key(g.reference)): g for g in GrantNotice.objects.in_force().select_related("programme")
        }
        self.posts = posts_by_key()
        # the import enters the body's own contracts; onward contracts are entered on their contract's page
        self.existing = {(c.post_id, c.start): c for c in ForwardingContract.objects.first_level().in_force()}
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


def programmes_by_name() -> dict[str, list[Programme]]:
    """Programmes by name and short name (case and spaces ignored), in one query."""
    result: dict[str, list[Programme]] = {}
    for programme in Programme.objects.all():
        for name in {programme.name, programme.short_name}:
            result.setdefault(_key(name), []).append(programme)
    return result


CATEGORY = "Stellenkategorie"
RATE_AMOUNT = "Pauschale je VZÄ"


class RateImport(ImportKind):
    """Funding rates (Pauschalen) per programme, post category and year. The columns are those of the rate
    list's export, so that export re-imports unchanged; "Status" is read but not written: a rate A 46 imports
    is confirmed, as one entered in the form."""

    slug = "saetze"
    title = gettext_lazy("Fördersätze je VZÄ und Jahr")
    fields = (
        Field(PROGRAMME, "programme", example="KIM Modul 2"),
        Field(CATEGORY, "category", example=str(PostCategory.CASE_MANAGEMENT.label)),
        Field("Jahr", "year", "int", example="2021"),
        Field(RATE_AMOUNT, "amount_per_fte", "decimal2", example="55.000,00"),
        Field("Status", "status", required=False, max_length=40, example="bestätigt"),
    )
    error_columns = {"programme": PROGRAMME, "category": CATEGORY, "year": "Jahr", "amount_per_fte": RATE_AMOUNT}
    constraint_columns = {"Jahr": "Jahr", "Betrag": RATE_AMOUNT}

    def prepare(self) -> None:
        self.programmes = programmes_by_name()
        self.categories = {_key(str(label)): value for value, label in PostCategory.choices}
        self.categories.update({_key(value): value for value, _label in PostCategory.choices})
        self.existing = {(r.programme_id, r.category, r.year): r for r in Rate.objects.all()}
        self.years: set[int] = set()

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        found = self.programmes.get(_key(values["programme"]), [])
        if len(found) != 1:
            raise RowProblem(
                PROGRAMME,
                _("„%(v)s“ ist kein bekanntes Programm (Bezeichnung oder Kurzname).") % {"v": values["programme"][:80]},
            )
        category = self.categories.get(_key(values["category"]))
        if category is None:
            raise RowProblem(
                CATEGORY,
                _("„%(v)s“ ist keine Stellenkategorie; möglich: %(c)s.")
                % {"v": values["category"][:80], "c": ", ".join(str(label) for _v, label in PostCategory.choices)},
            )
        self.years.add(values["year"])
        return {
            "programme": found[0],
            "category": category,
            "year": values["year"],
            "amount_per_fte": values["amount_per_fte"],
        }

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (data["programme"].pk, data["category"], data["year"])

    def label(self, data: dict[str, Any]) -> str:
        return f"{data['programme']} {PostCategory(data['category']).label} {data['year']}"

    def find(self, data: dict[str, Any]) -> Rate | None:
        return self.existing.get(self.natural_key(data))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"amount_per_fte": data["amount_per_fte"]}

    def save(self, existing: Rate | None, data: dict[str, Any], user: Any) -> Rate:
        rate = rate_save(rate=existing, data=data, user=user)
        self.existing[self.natural_key(data)] = rate
        return rate

    def totals(self) -> list[tuple[str, str]]:
        result = []
        for year in sorted(self.years)[:5]:
            rates = Rate.objects.filter(year=year)
            result.append((_("Fördersätze %(y)s") % {"y": year}, _("%(n)d Sätze") % {"n": rates.count()}))
        return result


class PaymentImport(ImportKind):
    """Instalments to the carriers (Abschläge), planned and paid. A contract is named as in the contract import
    (module, post, start); an instalment is its contract and due date. Cancelled contracts and instalments are
    not matched: a row for them is new, and the services refuse an instalment on a cancelled contract."""

    slug = "zahlungen"
    title = gettext_lazy("Abschläge an die Träger")
    fields = (
        Field("Modul", "module", "int", example="2"),
        Field("Stelle", "post", example="Case Management Beispielstadt"),
        Field("Vertrag ab", "contract_start", "date", example="01.07.2020"),
        Field("fällig am", "due_on", "date", example="15.07.2020"),
        Field("Betrag", "amount", "decimal2", example="13.750,00"),
        Field("gezahlt am", "paid_on", "date", required=False, example="20.07.2020"),
    )
    error_columns = {"contract": "Vertrag ab", "due_on": "fällig am", "amount": "Betrag", "paid_on": "gezahlt am"}
    constraint_columns = {"Betrag": "Betrag"}

    def prepare(self) -> None:
        self.posts = posts_by_key()
        # the body's own contracts, as in the contract import (an onward contract may share post and start)
        self.contracts = {(c.post_id, c.start): c for c in ForwardingContract.objects.first_level().in_force()}
        self.existing = {(p.contract_id, p.due_on): p for p in CarrierPayment.objects.in_force()}
        self.years: set[int] = set()

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        post = pick_post(self.posts, values["module"], values["post"], "Stelle")
        contract = self.contracts.get((post.pk, values["contract_start"]))
        if contract is None:
            raise RowProblem(
                "Vertrag ab",
                _("Für „%(p)s“ beginnt am %(d)s kein (nicht stornierter) Weiterleitungsvertrag.")
                % {"p": post.title[:80], "d": values["contract_start"].strftime("%d.%m.%Y")},
            )
        self.years.add(contract.year)
        return {
            "contract": contract,
            "due_on": values["due_on"],
            "amount": values["amount"],
            "paid_on": values["paid_on"],
        }

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (data["contract"].pk, data["due_on"])

    def label(self, data: dict[str, Any]) -> str:
        return _("%(c)s, fällig %(d)s") % {"c": data["contract"], "d": data["due_on"].strftime("%d.%m.%Y")}

    def find(self, data: dict[str, Any]) -> CarrierPayment | None:
        return self.existing.get(self.natural_key(data))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"amount": data["amount"], "paid_on": data["paid_on"]}

    def save(self, existing: CarrierPayment | None, data: dict[str, Any], user: Any) -> CarrierPayment:
        payment = carrier_payment_save(
            contract=data["contract"],
            payment=existing,
            data={"due_on": data["due_on"], "amount": data["amount"], "paid_on": data["paid_on"]},
            user=user,
        )
        self.existing[self.natural_key(data)] = payment
        return payment

    def totals(self) -> list[tuple[str, str]]:
        result = []
        for year in sorted(self.years)[:5]:
            payments = CarrierPayment.objects.in_force().filter(contract__year=year, contract__cancelled_at=None)
            result.append(
                (
                    _("Abschläge %(y)s geplant oder gezahlt") % {"y": year},
                    format_euro(money_sum(payments, "amount")),
                )
            )
            result.append(
                (
                    _("Abschläge %(y)s gezahlt") % {"y": year},
                    format_euro(money_sum(payments.filter(paid_on__isnull=False), "amount")),
                )
            )
        return result


class BudgetLineImport(ImportKind):
    """Budget lines (Haushaltspositionen): year, Teilprodukt, Sachkonto and Ertrag/Aufwand are the key. The
    budget list's computed columns (forecast, difference, actual) are accepted and ignored, so its export
    re-imports unchanged; "Prognose aus" is optional (empty: as stored, "keine Prognose" for a new line)."""

    slug = "haushalt"
    title = gettext_lazy("Haushaltspositionen")
    fields = (
        Field("Jahr", "year", "int", example="2021"),
        Field("Teilprodukt", "teilprodukt", max_length=20, example="946100"),
        Field("Sachkonto", "sachkonto", max_length=20, example="414100"),
        Field("Bezeichnung", "label", max_length=250, example="Zuweisungen und Zuschüsse für lfd. Zwecke v. Land"),
        Field("Ertrag/Aufwand", "kind", example=str(BudgetKind.INCOME.label)),
        Field("Planansatz", "planned_amount", "decimal2", example="570.000,00"),
        Field("Prognose aus", "forecast_basis", required=False, example=str(ForecastBasis.LAND_INCOME.label)),
        # computed by the application; read from an export, never written
        Field("Prognose (berechnet)", "ignored_forecast", required=False),
        Field("Differenz Prognose − Plan", "ignored_difference", required=False),
        Field("Ist (Zahlungen)", "ignored_actual", required=False),
    )
    error_columns = {
        "year": "Jahr",
        "teilprodukt": "Teilprodukt",
        "sachkonto": "Sachkonto",
        "label": "Bezeichnung",
        "kind": "Ertrag/Aufwand",
        "planned_amount": "Planansatz",
        "forecast_basis": "Prognose aus",
    }
    constraint_columns = {"Haushaltsposition": "Sachkonto", "Betrag": "Planansatz"}

    def prepare(self) -> None:
        self.existing = {(b.year, b.teilprodukt, b.sachkonto, b.kind): b for b in BudgetLine.objects.all()}
        self.kinds = {_key(str(label)): value for value, label in BudgetKind.choices}
        self.kinds.update({_key(value): value for value, _label in BudgetKind.choices})
        self.bases = {_key(str(label)): value for value, label in ForecastBasis.choices}
        self.bases.update({_key(value): value for value, _label in ForecastBasis.choices})
        self.years: set[int] = set()

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        kind = self.kinds.get(_key(values["kind"]))
        if kind is None:
            raise RowProblem(
                "Ertrag/Aufwand", _("„%(v)s“: bitte „Ertrag“ oder „Aufwand“ eintragen.") % {"v": values["kind"][:40]}
            )
        data = {
            "year": values["year"],
            "teilprodukt": values["teilprodukt"],
            "sachkonto": values["sachkonto"],
            "label": values["label"],
            "kind": kind,
            "planned_amount": values["planned_amount"],
        }
        if values["forecast_basis"]:
            basis = self.bases.get(_key(values["forecast_basis"]))
            if basis is None:
                raise RowProblem(
                    "Prognose aus",
                    _("„%(v)s“ ist keine Prognosegrundlage; möglich: %(b)s.")
                    % {
                        "v": values["forecast_basis"][:80],
                        "b": ", ".join(str(label) for _v, label in ForecastBasis.choices),
                    },
                )
            data["forecast_basis"] = basis
        self.years.add(values["year"])
        return data

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (data["year"], data["teilprodukt"], data["sachkonto"], data["kind"])

    def label(self, data: dict[str, Any]) -> str:
        return f"{data['year']} {data['teilprodukt']}/{data['sachkonto']} {data['label']}"

    def find(self, data: dict[str, Any]) -> BudgetLine | None:
        return self.existing.get(self.natural_key(data))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def save(self, existing: BudgetLine | None, data: dict[str, Any], user: Any) -> BudgetLine:
        line = budget_line_save(line=existing, data=data, user=user)
        self.existing[self.natural_key(data)] = line
        return line

    def totals(self) -> list[tuple[str, str]]:
        result = []
        for year in sorted(self.years)[:5]:
            for kind, label in BudgetKind.choices:
                lines = BudgetLine.objects.filter(year=year, kind=kind)
                result.append(
                    (
                        _("%(k)s %(y)s, Planansätze") % {"k": label, "y": year},
                        format_euro(money_sum(lines, "planned_amount")),
                    )
                )
        return result


KINDS: dict[str, type[ImportKind]] = {
    k.slug: k
    for k in (
        GrantImport,
        AllocationImport,
        CostPlanImport,
        ForwardingImport,
        RateImport,
        PaymentImport,
        BudgetLineImport,
    )
}
