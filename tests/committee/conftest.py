"""Fixtures for committee papers: two committees, their June 2020 meetings and a paper on the 2021 data.

The figures come from the shared ``paper_2020_0354`` fixture (module 2 in 2021: rate 55.000 €,
five carrier posts with 64.000 € + 6.000 € cost plans, forwarding contracts), plus the AG Wohlfahrt's
request of 100.000 €, the budget line of 570.000 € and the county's cost rates (332.500 €).
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from committee import services
from committee.models import Committee, Meeting, Paper
from kim.models import Organisation
from tests import factories as f

D = Decimal


@pytest.fixture
def a46_department(county) -> Organisation:
    return f.DepartmentFactory(parent=county)


@pytest.fixture
def social_committee(county) -> Committee:
    return Committee.objects.create(
        body=county,
        slug="soziales",
        name="Ausschuss für Soziales, Gesundheit, Senioren und demographischen Wandel",
        order=2,
    )


@pytest.fixture
def main_committee(county) -> Committee:
    return Committee.objects.create(body=county, slug="staedteregionsausschuss", name="Städteregionsausschuss", order=1)


@pytest.fixture
def meeting_0617(social_committee) -> Meeting:
    return Meeting.objects.create(
        committee=social_committee, date=date(2020, 6, 17), start_time=time(17, 0), place="Aachen"
    )


@pytest.fixture
def meeting_0619(main_committee) -> Meeting:
    return Meeting.objects.create(
        committee=main_committee, date=date(2020, 6, 19), start_time=time(15, 0), place="Aachen"
    )


@pytest.fixture
def future_meeting(main_committee) -> Meeting:
    return Meeting.objects.create(committee=main_committee, date=date(2099, 6, 19), start_time=time(15, 0))


@pytest.fixture
def paper_money(paper_2020_0354, county_cost_rates_2021):
    """The 2021 money situation of the paper, with the request and the budget line."""
    f.OwnShareRequestFactory(applicant=paper_2020_0354.umbrella, requested_amount=D("100000"), budget_year=2021)
    f.BudgetLineFactory(year=2021, planned_amount=D("570000"))
    return paper_2020_0354


FIGURE_TEXT = (
    "Pauschale {{ rate_per_post }}; weitergeleitet {{ forwarded_total }}; Lücke je Stelle {{ gap_per_post }}, "
    "gesamt {{ gap_total }}; beantragt {{ request_amount }}; empfohlen {{ recommended_amount }}; "
    "Personalbedarf {{ personnel_needs }}; Ansatz {{ budget_income_planned }}."
)


def make_paper(
    *,
    department,
    number: str = "",
    title: str = "Kommunales Integrationsmanagement",
    public: bool = True,
    body: str = FIGURE_TEXT,
    table: str = "own_share_gaps",
    paper_date: date = date(2020, 6, 3),
) -> Paper:
    paper = services.paper_save(
        data={
            "number": number,
            "title": title,
            "paper_type": "decision",
            "public": public,
            "lead_department": department,
            "date": paper_date,
            "programme_year": 2021,
            "decision_intro": "Der Städteregionsausschuss trifft folgende Entscheidungen:",
            "signature_mode": "im_auftrag",
            "signatory": "Dr. Ziemons",
        }
    )
    services.decision_item_save(
        paper=paper, data={"order": 1, "text": "Er nimmt den Antrag der AG Wohlfahrt zur Kenntnis."}
    )
    services.section_save(paper=paper, data={"order": 1, "heading": "Sachlage", "body": body, "table_kind": table})
    return paper


@pytest.fixture
def draft_paper(paper_money, a46_department) -> Paper:
    return make_paper(department=a46_department, number="2020/0354")


@pytest.fixture
def released_paper(draft_paper, meeting_0617, meeting_0619) -> Paper:
    services.consultation_save(paper=draft_paper, data={"order": 1, "meeting": meeting_0617, "role": "vorberatung"})
    services.consultation_save(paper=draft_paper, data={"order": 2, "meeting": meeting_0619, "role": "entscheidung"})
    return services.paper_release(paper=draft_paper)


def minimal_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
