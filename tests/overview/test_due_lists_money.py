"""What is due in money matters (issue 16): proofs of use due from the carriers and to the Land,
contracts without cost plan and notices without allocation on the A 46 dashboard, the carrier's own
proofs on its home page. Each item links to the page that resolves it; counts derived by hand."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding import selectors
from funding.controlling.selectors import ProofsDue, proofs_due_by_kind, proofs_open_for_carrier
from funding.models import CostPlan, ForwardingContract, ProofKind, ProofObligation, ProofStatus
from kim.models import User
from tests import factories as f

pytestmark = pytest.mark.django_db


def proof(contract=None, grant=None, *, due_on: date, status: str = ProofStatus.OPEN) -> ProofObligation:
    kind = ProofKind.CARRIER if contract is not None else ProofKind.LAND
    return ProofObligation.objects.create(kind=kind, contract=contract, grant=grant, due_on=due_on, status=status)


def test_proofs_due_count_open_ones_within_the_reminder_horizon_and_the_overdue(paper_2020_0354, settings):
    settings.PROOF_REMINDER_DAYS = "30,7"
    caritas, diakonie, awo = paper_2020_0354.forwardings[:3]
    today = date(2022, 6, 10)
    proof(caritas, due_on=date(2022, 6, 30))  # due in 20 days: within 30
    proof(diakonie, due_on=date(2022, 5, 31), status=ProofStatus.OBJECTIONS)  # overdue, still to correct
    proof(awo, due_on=date(2022, 7, 11))  # 31 days ahead: beyond the 30-day horizon
    proof(paper_2020_0354.forwardings[3], due_on=date(2022, 5, 31), status=ProofStatus.SUBMITTED)  # delivered
    proof(paper_2020_0354.forwardings[4], due_on=date(2022, 5, 31), status=ProofStatus.CLOSED)  # done
    proof(grant=paper_2020_0354.grant, due_on=date(2022, 6, 1))  # the county's proof to the Land, overdue

    # carriers: Caritas (due) + Diakonie (overdue) = 2, of which 1 overdue; Land: 1, overdue
    assert proofs_due_by_kind(today=today) == [
        ProofsDue(ProofKind.CARRIER, due=2, overdue=1),
        ProofsDue(ProofKind.LAND, due=1, overdue=1),
    ]


def test_the_carrier_sees_only_its_own_open_proofs(paper_2020_0354, carrier_a_user):
    caritas, diakonie = paper_2020_0354.forwardings[:2]
    mine = proof(caritas, due_on=date(2022, 6, 30))
    proof(caritas, due_on=date(2021, 6, 30), status=ProofStatus.CHECKED)  # checked: nothing to do
    proof(diakonie, due_on=date(2022, 6, 30))  # another carrier's
    rows = proofs_open_for_carrier(user=carrier_a_user, today=date(2022, 7, 2))
    assert rows == [mine] and rows[0].days_left == -2  # 30.06. → 02.07.: two days overdue


def test_a_contract_whose_cost_plan_is_gone_and_a_notice_without_posts_are_due(client, a46_user, paper_2020_0354):
    caritas = paper_2020_0354.forwardings[0]
    CostPlan.objects.get(post=caritas.post, year=2021).delete()  # as an import might leave it
    bare = f.GrantNoticeFactory(reference="AZ-OHNE-STELLE", programme=paper_2020_0354.programme)

    assert selectors.contracts_without_cost_plan() == [caritas]  # the other four keep theirs
    assert selectors.notices_without_allocation() == [bare]  # the paper's notice funds six posts

    client.force_login(a46_user)
    response = client.get(reverse("dashboard"), {"year": 2021})
    html = response.content.decode()
    assert "1 Weiterleitungsvertrag ohne Kostenplan:" in html
    plan_link = (
        f"{reverse('funding:costplan_create')}?post={caritas.post_id}&amp;year=2021"
        f"&amp;next={caritas.get_absolute_url()}"
    )
    assert plan_link in html
    assert "1 Förderbescheid ohne zugeordnete Stelle:" in html
    assert reverse("funding:allocation_create", args=[bare.pk]) in html

    # the link opens the cost plan form pre-filled and saving it returns to the contract
    form_url = plan_link.replace("&amp;", "&")
    form = client.get(form_url).context["form"]
    assert (str(form["post"].value()), str(form["year"].value())) == (str(caritas.post_id), "2021")
    saved = client.post(
        form_url, {"post": caritas.post_id, "year": 2021, "personnel": "64.000,00", "material_overhead": "6.000,00"}
    )
    assert saved.status_code == 302 and saved["Location"] == caritas.get_absolute_url()
    assert selectors.contracts_without_cost_plan() == []


def test_the_demo_dashboard_names_the_awo_proof_with_objections(client, demo):
    """Demo (funding.demo): the 2020 proofs are closed; of the 2021 carrier proofs (due 30.06.2022)
    the AWO's has objections, Arbeitsplattform's is submitted, the rest checked; the Land proofs of
    2021 are submitted. Open: the AWO's alone, long overdue. Every demo contract has its cost plan
    (10 contracts, 10 plans) and every notice its posts."""
    client.force_login(User.objects.get(username="a46"))
    response = client.get(reverse("dashboard"), {"year": 2021})
    todo = response.context["todo"]
    assert todo["proofs_due"] == [ProofsDue(ProofKind.CARRIER, due=1, overdue=1)]
    assert todo["contracts_without_plan"] == [] and todo["notices_without_allocation"] == []
    html = response.content.decode()
    assert f'href="{reverse("funding:controlling_proofs")}?kind=carrier"' in html
    assert "1 Verwendungsnachweis der Träger ist fällig" in html and "(davon 1 überfällig)" in html
    assert "an das Land" not in html.split('id="todo-head"')[1].split("</section>")[0]

    client.force_login(User.objects.get(username="sitzungsdienst"))
    committee_html = client.get(reverse("dashboard")).content.decode()
    assert "Verwendungsnachweis" not in committee_html.split('id="todo-head"')[1].split("</section>")[0]


def test_the_demo_awo_home_lists_its_proof_and_caritas_has_none(client, demo):
    awo_proof = ProofObligation.objects.get(kind=ProofKind.CARRIER, status=ProofStatus.OBJECTIONS)
    client.force_login(User.objects.get(username="traeger-awo"))
    html = client.get(reverse("dashboard")).content.decode()
    section = html.split('id="verwendungsnachweise"')[1].split("</section>")[0]
    assert f'href="{awo_proof.get_absolute_url()}"' in section
    assert "Case Management Alsdorf, 2021" in section and "30.06.2022" in section and "überfällig" in section
    assert "Beanstandungen" in section
    # the proof page it links to opens for the AWO, and for no other carrier
    assert client.get(awo_proof.get_absolute_url()).status_code == 200
    client.force_login(User.objects.get(username="traeger-caritas"))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Kein Verwendungsnachweis offen." in html and awo_proof.get_absolute_url() not in html
    assert client.get(awo_proof.get_absolute_url()).status_code == 404


def dashboard_queries(client, url: str, params: dict | None = None) -> int:
    cache.clear()  # counted with the figures computed, not from kim.figure_cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def due_money_rows(paper, i: int) -> None:
    """One more of each due item: a contract without plan, a notice without posts, an open proof each way."""
    post = f.CarrierPostFactory(module=paper.programme.module, title=f"CM ohne Plan {i}", employer=paper.carriers[0])
    contract = ForwardingContract.objects.create(
        grant=paper.grant,
        post=post,
        carrier=post.employer,
        year=2021,
        start=date(2021, 1, 1),
        end=date(2021, 12, 31),
        amount=0,
    )
    notice = f.GrantNoticeFactory(reference=f"AZ-OHNE-{i}", programme=paper.programme)
    proof(contract, due_on=date(2021, 6, 30))
    proof(grant=notice, due_on=date(2021, 9, 30))


def test_the_a46_due_list_runs_a_fixed_number_of_queries(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    due_money_rows(paper_2020_0354, 1)
    client.get(reverse("dashboard"), {"year": 2021})
    one = dashboard_queries(client, reverse("dashboard"), {"year": 2021})
    due_money_rows(paper_2020_0354, 2)
    due_money_rows(paper_2020_0354, 3)
    three = dashboard_queries(client, reverse("dashboard"), {"year": 2021})
    assert one == three
    todo = client.get(reverse("dashboard"), {"year": 2021}).context["todo"]
    assert len(todo["contracts_without_plan"]) == 3 and len(todo["notices_without_allocation"]) == 3
    assert todo["proofs_due"] == [ProofsDue(ProofKind.CARRIER, 3, 3), ProofsDue(ProofKind.LAND, 3, 3)]


def test_the_carrier_home_runs_a_fixed_number_of_queries_with_its_proofs(client, carrier_a_user, paper_2020_0354):
    client.force_login(carrier_a_user)
    caritas = paper_2020_0354.forwardings[0]
    proof(caritas, due_on=date(2022, 6, 30))
    proof(paper_2020_0354.forwardings[1], due_on=date(2022, 6, 30))  # Diakonie's: neither shown nor counted
    client.get(reverse("dashboard"))
    one = dashboard_queries(client, reverse("dashboard"))
    proof(caritas, due_on=date(2023, 6, 30))
    proof(caritas, due_on=date(2024, 6, 30), status=ProofStatus.OBJECTIONS)
    three = dashboard_queries(client, reverse("dashboard"))
    assert one == three
    html = client.get(reverse("dashboard")).content.decode()
    section = html.split('id="verwendungsnachweise"')[1].split("</section>")[0]
    assert section.count("<tr") == 4  # the head and Caritas' three open proofs
