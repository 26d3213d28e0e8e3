"""The StädteRegion Aachen demo: paper 2020/0354 (years 2020 and 2021) as data.

Inputs only; every total the application shows is computed from these. Which carrier holds
which case-management post and where is not named in the paper: the assignment below is
illustrative and marked as such on the posts. Demo calibration (domain.md §2): personnel
cost 62.000 € per VZÄ for the county's Sachbearbeitung/Koordination/Ausländerbehörde posts
and 45.000 € per VZÄ for the assistant post.

Loading is idempotent: every object is looked up by a natural key and updated in place.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from funding.models import (
    BudgetKind,
    BudgetLine,
    CostPlan,
    ForecastBasis,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    OwnShareRequest,
    Programme,
    Rate,
    RequestStatus,
)
from funding.selectors import forwarding_amount_from, forwarding_inputs, prorate
from kim.money import round_money
from kim.models import Municipality, Organisation, OrganisationKind, Role, TOTPDevice, User
from kim.periods import overlap_days, year_end, year_start
from modules.models import CostRate, Module, Occupancy, Post, PostCategory

D = Decimal
DEMO_PASSWORD = "demo"

MUNICIPALITIES = [
    ("Aachen", "05334002", False),
    ("Alsdorf", "05334004", True),
    ("Baesweiler", "05334008", True),
    ("Eschweiler", "05334012", True),
    ("Herzogenrath", "05334016", True),
    ("Monschau", "05334020", True),
    ("Roetgen", "05334024", True),
    ("Simmerath", "05334028", True),
    ("Stolberg", "05334032", True),
    ("Würselen", "05334036", True),
]

# slug, name, short name, municipality of the case-management post (illustrative)
CARRIERS = [
    ("caritas", "Caritasverband für die Regionen Aachen-Stadt und Aachen-Land e. V.", "Caritas", "Eschweiler"),
    ("diakonie", "Diakonisches Werk im Evangelischen Kirchenkreis Aachen e. V.", "Diakonie", "Stolberg"),
    ("awo", "AWO Kreisverband Aachen-Land e. V.", "AWO", "Alsdorf"),
    ("drk", "DRK-Kreisverband Städteregion Aachen e. V.", "DRK", "Simmerath"),
    ("arbeitsplattform-migration", "Arbeitsplattform Migration", "Arbeitsplattform Migration", "Herzogenrath"),
]

MODULES = [
    (1, "Strategisches Kommunales Integrationsmanagement (strategischer Overhead)"),
    (2, "Rechtskreisübergreifendes Case Management"),
    (3, "Ausländer- und Einbürgerungsbehörden"),
]

OTHER_PROGRAMMES = [
    ("KOMM-AN NRW", "KOMM-AN NRW"),
    ("Durchstarten in Ausbildung und Arbeit", "Durchstarten"),
    ("Gemeinsam klappt’s", "Gemeinsam klappt’s"),
]

KIM_START = date(2020, 7, 1)
KIM_END = date(2022, 12, 31)  # befristet für die Dauer der Förderzusage

# module, title, category, FTE, start, pay grade
COUNTY_POSTS = [
    (1, "Verwaltungsassistenz", PostCategory.ASSISTANT, D("0.5"), KIM_START, "EG 6 TVöD"),
    (1, "Sachbearbeitung Fördermittelcontrolling und Projektberatung", PostCategory.COORDINATION, D("1.0"), KIM_START, "EG 10 TVöD"),
    (1, "Sachbearbeitung Gesundheit, Migration und Flucht", PostCategory.COORDINATION, D("1.0"), KIM_START, "EG 10 TVöD"),
    (1, "Sachbearbeitung Integration durch Sport", PostCategory.COORDINATION, D("1.0"), KIM_START, "EG 10 TVöD"),
    (2, "Koordinierung Case Management", PostCategory.CM_COORDINATION, D("1.0"), KIM_START, "EG 11 TVöD"),
    (3, "Ausländer- und Einbürgerungsbehörde (§§ 25a/25b AufenthG, Einbürgerung)", PostCategory.FOREIGNERS_AUTHORITY, D("1.0"), date(2020, 10, 1), "EG 9c TVöD"),
]

# Illustrative vacancies so the occupied/vacant figures have something to show.
LATE_OCCUPANCY = {
    "Sachbearbeitung Integration durch Sport": date(2020, 11, 1),
    "Case Management Simmerath": date(2020, 9, 1),
}

RATE_YEARS = {2020: D("55000"), 2021: D("55000"), 2022: D("55000"), 2023: D("57000")}
ASSISTANT_RATE = D("45000")  # 22.500 € per 0,5 post
COST_RATES = {
    PostCategory.COORDINATION: D("62000"),
    PostCategory.CM_COORDINATION: D("62000"),
    PostCategory.FOREIGNERS_AUTHORITY: D("62000"),
    PostCategory.ASSISTANT: D("45000"),
}
CARRIER_COST_PLAN = {2020: (D("32000"), D("3000")), 2021: (D("64000"), D("6000"))}


def _upsert(model, defaults: dict | None = None, **lookup):
    """update_or_create that writes only when something differs.

    A second run of the demo must leave the data *and* its audit history unchanged, so an
    object whose values already match is not saved again (no empty history entry).
    """
    defaults = defaults or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults), True
    changed = False
    for name, value in defaults.items():
        field = model._meta.get_field(name)
        current = getattr(obj, field.attname if field.is_relation else name)
        wanted = value.pk if field.is_relation and value is not None else value
        if current != wanted:
            setattr(obj, name, value)
            changed = True
    if changed:
        obj.save()
    return obj, False


def _org(slug: str, **fields) -> Organisation:
    obj, _ = _upsert(Organisation, slug=slug, defaults=fields)
    return obj


@transaction.atomic
def load() -> dict[str, int]:
    land = _org("land-nrw", kind=OrganisationKind.LAND, name="Land Nordrhein-Westfalen", short_name="Land NRW")
    authority = _org(
        "bezreg-arnsberg-dez36",
        kind=OrganisationKind.AUTHORITY,
        name="Bezirksregierung Arnsberg, Dezernat 36",
        short_name="BR Arnsberg, Dez. 36",
        parent=land,
    )
    county = _org(
        "staedteregion-aachen",
        kind=OrganisationKind.COUNTY,
        name="StädteRegion Aachen",
        short_name="StädteRegion Aachen",
        address="Zollernstraße 10, 52070 Aachen",
    )
    _org(
        "a46",
        kind=OrganisationKind.DEPARTMENT,
        name="A 46 – Kommunales Integrationszentrum",
        short_name="A 46",
        parent=county,
    )
    umbrella = _org(
        "ag-wohlfahrt",
        kind=OrganisationKind.UMBRELLA,
        name="Arbeitsgemeinschaft der Verbände der Freien Wohlfahrtspflege StädteRegion Aachen",
        short_name="AG Wohlfahrt",
    )
    carriers = {
        slug: _org(slug, kind=OrganisationKind.CARRIER, name=name, short_name=short, parent=umbrella)
        for slug, name, short, _place in CARRIERS
    }
    places = {}
    for name, key, module2 in MUNICIPALITIES:
        places[name], _ = _upsert(Municipality, 
            official_key=key, defaults={"name": name, "slug": name.lower().replace("ü", "ue"), "module2_area": module2}
        )

    modules = {}
    for number, name in MODULES:
        modules[number], _ = _upsert(Module, number=number, defaults={"name": name})
    programmes = {}
    for number, module in modules.items():
        programmes[number], _ = _upsert(Programme, 
            short_name=f"KIM Modul {number}",
            defaults={"name": f"Kommunales Integrationsmanagement – Modul {number}", "module": module, "funder": land},
        )
    for name, short in OTHER_PROGRAMMES:
        _upsert(Programme, short_name=short, defaults={"name": name, "funder": land})

    categories_by_module = {
        1: [PostCategory.COORDINATION],
        2: [PostCategory.CASE_MANAGEMENT, PostCategory.CM_COORDINATION],
        3: [PostCategory.FOREIGNERS_AUTHORITY],
    }
    for year, amount in RATE_YEARS.items():
        for number, categories in categories_by_module.items():
            for category in categories:
                _upsert(Rate, 
                    programme=programmes[number], category=category, year=year, defaults={"amount_per_fte": amount}
                )
        _upsert(Rate, 
            programme=programmes[1], category=PostCategory.ASSISTANT, year=year, defaults={"amount_per_fte": ASSISTANT_RATE}
        )
    for year in (2020, 2021, 2022):
        for category, amount in COST_RATES.items():
            _upsert(CostRate, 
                category=category,
                year=year,
                defaults={"amount_per_fte": amount, "note": "Demo-Kalibrierung (domain.md §2)"},
            )

    posts: list[Post] = []
    for number, title, category, fte, start, grade in COUNTY_POSTS:
        post, _ = _upsert(Post, 
            module=modules[number],
            title=title,
            defaults={
                "category": category,
                "fte": fte,
                "employer": county,
                "place": places["Aachen"],
                "pay_grade": grade,
                "start": start,
                "end": KIM_END,
                "illustrative": False,
            },
        )
        posts.append(post)
    carrier_posts: list[Post] = []
    for slug, _name, _short, place in CARRIERS:
        post, _ = _upsert(Post, 
            module=modules[2],
            title=f"Case Management {place}",
            defaults={
                "category": PostCategory.CASE_MANAGEMENT,
                "fte": D("1.0"),
                "employer": carriers[slug],
                "place": places[place],
                "pay_grade": "S 12 TVöD SuE",
                "start": KIM_START,
                "end": KIM_END,
                "illustrative": True,
                "notes": "Vorlage 2020/0354 nennt Träger und Ort nicht; Zuordnung beispielhaft.",
            },
        )
        carrier_posts.append(post)
    posts += carrier_posts

    for post in posts:
        start = LATE_OCCUPANCY.get(post.title, post.start)
        Occupancy.objects.filter(post=post).exclude(start=start).delete()
        _upsert(Occupancy, post=post, start=start, defaults={"end": post.end, "fte": post.fte})

    grants = _load_grants(programmes, county, authority, posts)
    _load_carrier_money(grants, carrier_posts)

    _upsert(OwnShareRequest, 
        applicant=umbrella,
        received_on=date(2020, 5, 25),
        defaults={
            "subject": "Übernahme des verbleibenden Eigenanteils der fünf Case-Management-Stellen",
            "requested_amount": D("100000"),
            "budget_year": 2021,
            "status": RequestStatus.DEFERRED,
        },
    )
    _upsert(BudgetLine, 
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
    _upsert(BudgetLine, 
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
    return {"carriers": len(carriers), "posts": len(posts)}


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
            days = overlap_days(start, end, start, end)
            annual = sum((rates[(programme.pk, p.category, year)] * p.fte for p in module_posts), start=D(0))
            amount = prorate(annual=annual, days=days, year=year)  # rounded once, for the whole notice
            fte = sum((p.fte for p in module_posts), start=D(0))
            grant, _ = _upsert(GrantNotice, 
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
                _upsert(GrantAllocation, 
                    grant=grant, post=post, defaults={"fte": post.fte, "start": start, "end": end}
                )
    return grants


def _load_carrier_money(grants, carrier_posts) -> None:
    for year, (personnel, overhead) in CARRIER_COST_PLAN.items():
        grant = grants[(2, year)]
        for post in carrier_posts:
            _upsert(CostPlan, 
                post=post, year=year, defaults={"personnel": personnel, "material_overhead": overhead}
            )
            start, end = max(grant.period_start, post.start), grant.period_end
            inputs = forwarding_inputs(grant=grant, post=post, year=year, start=start, end=end)
            amount = forwarding_amount_from(inputs=inputs, post=post, year=year, start=start, end=end)
            _upsert(ForwardingContract, 
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


# Base32 secret of the demo administrator's authenticator (documented in the README; demo only).
DEMO_TOTP_SECRET = "KIMDEMOA46STAEDTEREGIONAACHENXYZ"


def load_users() -> list[tuple[str, str]]:
    """Demo logins, all with the password ``demo``; created only by the load_demo command."""
    specs = [
        ("a46", Role.ADMIN, None, "Demo", "Verwaltung A 46"),
        ("sitzungsdienst", Role.COMMITTEE, None, "Demo", "Sitzungsdienst"),
        ("pruefung", Role.READONLY, None, "Demo", "Rechnungsprüfung"),
    ]
    for slug, _name, short, _place in CARRIERS:
        specs.append((f"traeger-{slug}", Role.CARRIER, Organisation.objects.get(slug=slug), "Demo", f"Case Management {short}"))
    result = []
    for username, role, org, first, last in specs:
        user, _ = _upsert(User, 
            username=username,
            defaults={
                "role": role,
                "organisation": org,
                "first_name": first,
                "last_name": last,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role == Role.ADMIN:
            # A 46 logs in with a second factor; the demo's secret is public like its password.
            TOTPDevice.objects.update_or_create(user=user, defaults={"secret": DEMO_TOTP_SECRET, "confirmed": True})
        result.append((username, str(role.label)))
    return result


# ---------------------------------------------------------------- controlling (issue 5): payments, proofs, top-up


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
    from django.core.files.base import ContentFile

    from funding.models import CarrierPayment, LandReceipt, OwnShareTopUp, ProofDocument, ProofKind, ProofObligation, ProofStatus

    a46 = User.objects.filter(username="a46").first()
    for grant in GrantNotice.objects.filter(period_start__year__in=[2020, 2021], is_draft=False).order_by("pk"):
        if grant.year == 2020:
            parts = [(date(2020, 7, 15), grant.amount)]
        else:
            half = round_money(grant.amount / 2)
            parts = [(date(2021, 3, 1), half), (date(2021, 9, 1), grant.amount - half)]
        for number, (day, amount) in enumerate(parts, start=1):
            _upsert(LandReceipt, grant=grant, received_on=day, defaults={"amount": amount, "reference": f"Zahlung {number} – {grant.reference}"})
    for contract in ForwardingContract.objects.filter(year__in=[2020, 2021], is_draft=False).select_related("carrier").order_by("pk"):
        if contract.year == 2020:
            first = round_money(contract.amount / 2)
            plan = [(date(2020, 8, 15), first), (date(2020, 11, 15), contract.amount - first)]
        else:
            quarter = round_money(contract.amount / 4)
            plan = [(date(2021, m, 15), quarter) for m in (1, 4, 7)] + [(date(2021, 10, 15), contract.amount - 3 * quarter)]
        for day, amount in plan:
            unpaid = contract.carrier.slug == "drk" and day == date(2021, 10, 15)
            _upsert(CarrierPayment, contract=contract, due_on=day, defaults={"amount": amount, "paid_on": None if unpaid else day})
    obligations = []
    for contract in ForwardingContract.objects.filter(year__in=[2020, 2021], is_draft=False).select_related("carrier").order_by("pk"):
        if contract.year == 2020:
            status = ProofStatus.CLOSED
        else:
            status = {"awo": ProofStatus.OBJECTIONS, "arbeitsplattform-migration": ProofStatus.SUBMITTED}.get(contract.carrier.slug, ProofStatus.CHECKED)
        obligation, _ = _upsert(ProofObligation, kind=ProofKind.CARRIER, contract=contract, defaults={"due_on": date(contract.year + 1, 6, 30), "status": status})
        obligations.append(obligation)
    for grant in GrantNotice.objects.filter(period_start__year__in=[2020, 2021], is_draft=False).order_by("pk"):
        status = ProofStatus.CLOSED if grant.year == 2020 else ProofStatus.SUBMITTED
        obligation, _ = _upsert(ProofObligation, kind=ProofKind.LAND, grant=grant, defaults={"due_on": date(grant.year + 1, 9, 30), "status": status})
        obligations.append(obligation)
    for obligation in obligations:
        if a46 is None:
            break
        if obligation.status in (ProofStatus.CHECKED, ProofStatus.CLOSED, ProofStatus.OBJECTIONS):
            _upsert(ProofObligation, pk=obligation.pk, defaults={"checked_by": a46, "checked_on": date(obligation.due_on.year, 9, 15)})
        for doc_type, label in (("report", "Sachbericht"), ("numerical", "Zahlenmaessiger Nachweis")):
            if ProofDocument.objects.filter(obligation=obligation, doc_type=doc_type).exists():
                continue
            name = f"{label.lower().replace(' ', '-')}-{obligation.pk}.pdf"
            document = ProofDocument(obligation=obligation, doc_type=doc_type, original_name=name, uploaded_by=a46)
            document.file.save(name, ContentFile(_demo_pdf(f"{label} - {obligation.subject}")), save=False)
            document.save()
    line, _ = _upsert(
        BudgetLine,
        year=2021, teilprodukt="946100", sachkonto="531810", kind=BudgetKind.EXPENSE,
        defaults={
            "label": "Übernahme des Eigenanteils der Träger (bis zu 9.000 € je Stelle; Sachkonto beispielhaft)",
            "planned_amount": D("45000"), "forecast_basis": ForecastBasis.TOP_UP,
        },
    )
    _upsert(OwnShareTopUp, year=2021, defaults={"amount_per_fte": D("9000"), "budget_line": line})
    return {"obligations": len(obligations)}
