"""Query budget of the committee lists: at most 8 SQL queries, the same for one paper or
meeting as for many – the paper list, the meeting list, the committee list and OParl's paper list."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committee import services
from committee.models import Committee, Meeting
from tests.committee.conftest import make_paper

pytestmark = pytest.mark.django_db
BUDGET = 8


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add(i: int, *, department, committee) -> None:
    paper = make_paper(department=department, number=f"2020/{i:04d}")
    services.paper_release(paper=paper)
    Meeting.objects.create(committee=committee, date=date(2020, 6, i))
    Committee.objects.create(body=committee.body, slug=f"g{i}", name=f"Gremium {i:02d}")


def test_committee_lists_stay_within_the_budget_for_one_and_many_rows(
    client, committee_user, paper_money, a46_department, main_committee, county
):
    urls = [reverse("committee:paper_list"), reverse("committee:meeting_list"), reverse("committee:committee_list")]
    oparl = f"/oparl/v1.1/body/{county.pk}/paper/"
    add(1, department=a46_department, committee=main_committee)
    client.force_login(committee_user)
    one = [queries(client, url) for url in urls]
    client.logout()
    one.append(queries(client, oparl))
    for i in range(2, 6):
        add(i, department=a46_department, committee=main_committee)
    client.force_login(committee_user)
    many = [queries(client, url) for url in urls]
    client.logout()
    many.append(queries(client, oparl))
    assert one == many
    assert max(many) <= BUDGET, dict(zip([*urls, oparl], many, strict=False))
    assert len(client.get(oparl).json()["data"]) == 5


def test_the_paper_page_computes_its_live_figures_once_until_data_changes(
    client, a46_user, paper_money, a46_department
):
    from modules.models import CostRate, PostCategory
    from modules.services import cost_rate_save

    paper = make_paper(department=a46_department, number="2020/0900")
    client.force_login(a46_user)
    url = reverse("committee:paper_detail", args=[paper.pk])
    first = queries(client, url)
    assert queries(client, url) < first  # figures and tables from kim.figure_cache
    # county's own 5,5 VZÄ: 5 × 62.000 + 0,5 × 45.000 = 332.500 €
    assert 'Personalbedarf <span class="figure">332.500,00\u00a0€</span>' in client.get(url).content.decode()
    rate = CostRate.objects.get(category=PostCategory.ASSISTANT, year=2021)
    cost_rate_save(rate=rate, data={"amount_per_fte": 50000})
    # computed again after the write: 5 × 62.000 + 0,5 × 50.000 = 335.000 €
    assert queries(client, url) == first
    assert 'Personalbedarf <span class="figure">335.000,00\u00a0€</span>' in client.get(url).content.decode()


def test_the_paper_page_reads_its_consultations_in_one_query_outside_a_transaction(
    client, a46_user, a46_department, county
):
    from committee.models import Consultation, ConsultationRole

    paper = make_paper(department=a46_department, number="2020/0901")
    client.force_login(a46_user)
    url = reverse("committee:paper_detail", args=[paper.pk])

    def consult(i: int) -> None:
        committee = Committee.objects.create(body=county, slug=f"a{i}", name=f"Ausschuss {i}")
        meeting = Meeting.objects.create(committee=committee, date=date(2020, 7, i))
        Consultation.objects.create(paper=paper, order=i, meeting=meeting, role=ConsultationRole.DECISION)

    consult(1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    consult(2)
    consult(3)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert len(one) == len(three)
    # consultations, their meetings and committees: one query, not one per table
    reads = [q["sql"] for q in three.captured_queries if 'FROM "committee_consultation"' in q["sql"]]
    assert len(reads) == 1 and 'JOIN "committee_committee"' in reads[0]
    assert not [q for q in three.captured_queries if 'FROM "committee_meeting"' in q["sql"]]
    assert all(f"Ausschuss {i}" in response.content.decode() for i in (1, 2, 3))
    # a page that only reads: no request transaction (no BEGIN/COMMIT, no savepoint in a test)
    assert not [q for q in three.captured_queries if q["sql"].split()[0] in {"BEGIN", "COMMIT", "SAVEPOINT"}]
