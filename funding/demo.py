"""Programmes, rates, grant notices, forwarding, cost plans, requests, budget and controlling of the demo body
(paper 2020/0354, years 2020 and 2021) as data.

Inputs only; every total the application shows is computed from these. Loading is idempotent: every
object is looked up by a natural key and updated in place.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from funding.models import (
    BudgetKind,
    BudgetLine,
    CarrierPayment,
    CostPlan,
    ForecastBasis,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    LandReceipt,
    OwnShareRequest,
    OwnShareTopUp,
    Programme,
    ProofDocument,
    ProofKind,
    ProofObligation,
    ProofStatus,
    Rate,
    RequestStatus,
)
from funding.selectors import forwarding_amount_from, forwarding_inputs
from kim.demo import DemoOrganisations, upsert
from kim.models import Body, User
from kim.money import round_money
from kim.periods import Proration, prorate_period, year_end, year_start
from modules.demo import DemoPosts
from modules.models import PostCategory

D = Decimal

OTHER_PROGRAMMES = [
    ("KOMM-AN NRW", "KOMM-AN NRW"),
    ("Durchstarten in Ausbildung und Arbeit", "Durchstarten"),
    ("Gemeinsam klappt’s", "Gemeinsam klappt’s"),
]

RATE_YEARS = {2020: D("55000"), 2021: D("55000"), 2022: D("55000"), 2023: D("57000")}
ASSISTANT_RATE = D("45000")  # 22.500 € per 0,5 post
CARRIER_COST_PLAN = {2020: (D("32000"), D("3000")), 2021: (D("64000"), D("6000"))}


@transaction.atomic
def load(orgs: DemoOrganisations, demo_posts: DemoPosts) -> dict[str, int]:
    land, authority, county, umbrella = orgs.land, orgs.authority, orgs.county, orgs.umbrella
    modules, posts, carrier_posts = demo_posts.modules, demo_posts.posts, demo_posts.carrier_posts
    programmes = {}
    for number, module in modules.items():
        programmes[number], _ = upsert(
            Programme,
            short_name=f"KIM Modul {number}",
            # The Land's KIM notices count full calendar months (01.07.–31.12. = 6/12 of the annual amount).
            defaults={
                "name": f"Kommunales Integrationsmanagement – Modul {number}",
                "module": module,
                "funder": land,
                "proration": Proration.FULL_MONTHS,
            },
        )
    for name, short in OTHER_PROGRAMMES:
        upsert(Programme, short_name=short, defaults={"name": name, "funder": land})

    categories_by_module = {
        1: [PostCategory.COORDINATION],
        2: [PostCategory.CASE_MANAGEMENT, PostCategory.CM_COORDINATION],
        3: [PostCategory.FOREIGNERS_AUTHORITY],
    }
    for year, amount in RATE_YEARS.items():
        for number, categories in categories_by_module.items():
            for category in categories:
                upsert(
                    Rate,
                    programme=programmes[number],
                    category=category,
                    year=year,
                    defaults={"amount_per_fte": amount},
                )
        upsert(
            Rate,
            programme=programmes[1],
            category=PostCategory.ASSISTANT,
            year=year,
            defaults={"amount_per_fte": ASSISTANT_RATE},
        )
    grants = _load_grants(programmes, county, authority, posts)
    _load_carrier_money(grants, carrier_posts)

    upsert(
        OwnShareRequest,
        applicant=umbrella,
        received_on=date(2020, 5, 25),
        defaults={
            "subject": "Übernahme des verbleibenden Eigenanteils der fünf Case-Management-Stellen",
            "requested_amount": D("100000"),
            "budget_year": 2021,
            "status": RequestStatus.DEFERRED,
        },
    )
    upsert(
        BudgetLine,
        year=2021,
        teilprodukt="946100",
        sachkonto="414100",
        kind=BudgetKind.INCOME,
        defaults={
            "label": "Zuweisungen und Zuschüsse für lfd. Zwecke v. Land (Landeszuweisungen KIM)",
            "planned_amount": D("570000"),
            "forecast_basis": ForecastBasis.LAND_INCOME,
        },
    )
    upsert(
        BudgetLine,
        year=2021,
        teilprodukt="946100",
        sachkonto="531800",
        kind=BudgetKind.EXPENSE,
        defaults={
            "label": "Weiterleitung an die Träger der freien Wohlfahrtspflege (Case Management; Sachkonto beispielhaft)",
            "planned_amount": D("275000"),
            "forecast_basis": ForecastBasis.FORWARDING,
        },
    )
    return {"carriers": len(orgs.carriers), "posts": len(posts)}


def _load_grants(programmes, county, authority, posts) -> dict[tuple[int, int], GrantNotice]:
    """Grant notices 2020 (first notices 01.07.–31.12.; module 3: the full year, already paid) and 2021."""
    rates = {(r.programme_id, r.category, r.year): r.amount_per_fte for r in Rate.objects.all()}
    grants = {}
    for year in (2020, 2021):
        for number, programme in programmes.items():
            module_posts = [p for p in posts if p.module_id == programme.module_id]
            if year == 2020 and number != 3:
                start, end = date(2020, 7, 1), year_end(2020)
            else:
                start, end = year_start(year), year_end(year)
            annual = sum((rates[(programme.pk, p.category, year)] * p.fte for p in module_posts), start=D(0))
            # rounded once, for the whole notice
            amount = prorate_period(annual=annual, start=start, end=end, year=year, rule=programme.proration)
            fte = sum((p.fte for p in module_posts), start=D(0))
            grant, _ = upsert(
                GrantNotice,
                authority=authority,
                reference=f"36.08.05-KIM-M{number}-{year}",
                defaults={
                    "programme": programme,
                    "recipient": county,
                    "issued_on": date(year, 6, 2) if year == 2020 else date(2021, 2, 15),
                    "period_start": start,
                    "period_end": end,
                    "approved_fte": fte,
                    "amount": amount,
                },
            )
            grants[(number, year)] = grant
            for post in module_posts:
                upsert(GrantAllocation, grant=grant, post=post, defaults={"fte": post.fte, "start": start, "end": end})
    return grants


def _load_carrier_money(grants, carrier_posts) -> None:
    for year, (personnel, overhead) in CARRIER_COST_PLAN.items():
        grant = grants[(2, year)]
        for post in carrier_posts:
            upsert(CostPlan, post=post, year=year, defaults={"personnel": personnel, "material_overhead": overhead})
            start, end = max(grant.period_start, post.start), grant.period_end
            inputs = forwarding_inputs(grant=grant, post=post, year=year, start=start, end=end)
            amount = forwarding_amount_from(inputs=inputs, post=post, year=year, start=start, end=end)
            upsert(
                ForwardingContract,
                post=post,
                start=start,
                defaults={
                    "grant": grant,
                    "carrier": post.employer,
                    "reference": f"WV-KIM2-{year}-{post.employer.slug}",
                    "signed_on": date(year, 7, 15) if year == 2020 else date(2021, 1, 20),
                    "year": year,
                    "end": end,
                    "amount": amount,
                },
            )


# ---------------------------------------------------------------- controlling: payments, proofs, top-up


def _demo_pdf(title: str) -> bytes:
    """A minimal, valid one-page PDF standing in for a carrier's document (demo only)."""
    text = title.encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 60 760 Td (" + text.replace(b"(", b"[").replace(b")", b"]") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@transaction.atomic
def load_controlling() -> dict[str, int]:
    """Demo receipts, instalments, proof-of-use obligations and the top-up decision (after load() and load_users()).

    Illustrative inputs: the Land pays the 2020 notices in full on 15.07.2020 and the 2021 notices in two
    halves (01.03. and 01.09.2021); carriers get two instalments in 2020 and four in 2021, the DRK's last
    2021 instalment is left unpaid (overdue); proofs of 2020 are closed, the AWO's 2021 proof has objections.
    The top-up "bis zu 9.000 € je Stelle" follows the administration's recommendation in paper 2020/0354.
    """
    a46 = User.objects.filter(username="a46").first()
    for grant in GrantNotice.objects.filter(period_start__year__in=[2020, 2021], is_draft=False).order_by("pk"):
        if grant.year == 2020:
            parts = [(date(2020, 7, 15), grant.amount)]
        else:
            half = round_money(grant.amount / 2)
            parts = [(date(2021, 3, 1), half), (date(2021, 9, 1), grant.amount - half)]
        for number, (day, amount) in enumerate(parts, start=1):
            upsert(
                LandReceipt,
                grant=grant,
                received_on=day,
                defaults={"amount": amount, "reference": f"Zahlung {number} – {grant.reference}"},
            )
    for contract in (
        ForwardingContract.objects.filter(year__in=[2020, 2021], is_draft=False)
        .select_related("carrier")
        .order_by("pk")
    ):
        if contract.year == 2020:
            first = round_money(contract.amount / 2)
            plan = [(date(2020, 8, 15), first), (date(2020, 11, 15), contract.amount - first)]
        else:
            quarter = round_money(contract.amount / 4)
            plan = [(date(2021, m, 15), quarter) for m in (1, 4, 7)] + [
                (date(2021, 10, 15), contract.amount - 3 * quarter)
            ]
        for day, amount in plan:
            unpaid = contract.carrier.slug == "drk" and day == date(2021, 10, 15)
            upsert(
                CarrierPayment,
                contract=contract,
                due_on=day,
                defaults={"amount": amount, "paid_on": None if unpaid else day},
            )
    obligations = []
    body = Body.objects.select_related("organisation").order_by("pk").first()
    body_organisation = body.organisation if body else None
    for contract in (
        ForwardingContract.objects.filter(year__in=[2020, 2021], is_draft=False)
        .select_related("carrier")
        .order_by("pk")
    ):
        if contract.year == 2020:
            status = ProofStatus.CLOSED
        else:
            status = {"awo": ProofStatus.OBJECTIONS, "arbeitsplattform-migration": ProofStatus.SUBMITTED}.get(
                contract.carrier.slug, ProofStatus.CHECKED
            )
        obligation, _ = upsert(
            ProofObligation,
            kind=ProofKind.CARRIER,
            contract=contract,
            defaults={
                "due_on": date(contract.year + 1, 6, 30),
                "status": status,
                "proves_to": body_organisation,
            },
        )
        obligations.append(obligation)
    for grant in GrantNotice.objects.filter(period_start__year__in=[2020, 2021], is_draft=False).order_by("pk"):
        status = ProofStatus.CLOSED if grant.year == 2020 else ProofStatus.SUBMITTED
        obligation, _ = upsert(
            ProofObligation,
            kind=ProofKind.LAND,
            grant=grant,
            defaults={"due_on": date(grant.year + 1, 9, 30), "status": status, "proves_to": grant.authority},
        )
        obligations.append(obligation)
    for obligation in obligations:
        if a46 is None:
            break
        if obligation.status in (ProofStatus.CHECKED, ProofStatus.CLOSED, ProofStatus.OBJECTIONS):
            upsert(
                ProofObligation,
                pk=obligation.pk,
                defaults={"checked_by": a46, "checked_on": date(obligation.due_on.year, 9, 15)},
            )
        for doc_type, label in (("report", "Sachbericht"), ("numerical", "Zahlenmaessiger Nachweis")):
            if ProofDocument.objects.filter(obligation=obligation, doc_type=doc_type).exists():
                continue
            name = f"{label.lower().replace(' ', '-')}-{obligation.pk}.pdf"
            document = ProofDocument(obligation=obligation, doc_type=doc_type, original_name=name, uploaded_by=a46)
            document.file.save(name, ContentFile(_demo_pdf(f"{label} - {obligation.subject}")), save=False)
            document.save()
    line, _ = upsert(
        BudgetLine,
        year=2021,
        teilprodukt="946100",
        sachkonto="531810",
        kind=BudgetKind.EXPENSE,
        defaults={
            "label": "Übernahme des Eigenanteils der Träger (bis zu 9.000 € je Stelle; Sachkonto beispielhaft)",
            "planned_amount": D("45000"),
            "forecast_basis": ForecastBasis.TOP_UP,
        },
    )
    upsert(OwnShareTopUp, year=2021, defaults={"amount_per_fte": D("9000"), "budget_line": line})
    return {"obligations": len(obligations)}
