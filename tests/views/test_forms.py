"""Bad input on every form: a German message at the field, nothing saved, never a 500.
German amounts such as 55.000,00 are accepted."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import CostPlan, ForwardingContract, GrantAllocation, GrantNotice, OwnShareRequest
from modules.models import Occupancy, Post
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def admin_client(client, a46_user):
    client.force_login(a46_user)
    return client


def post_data(module, employer, **overrides):
    data = {
        "module": module.pk,
        "title": "Case Management Eschweiler",
        "category": "case_management",
        "fte": "1,0",
        "employer": employer.pk,
        "place": "",
        "pay_grade": "S 12",
        "start": "2021-01-01",
        "end": "2022-12-31",
        "notes": "",
    }
    data.update(overrides)
    return data


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.mark.parametrize(
    ("fte", "message"),
    [
        ("0", "größer als 0 und höchstens 1,0"),
        ("1,5", "größer als 0 und höchstens 1,0"),
        ("-0,5", "größer als 0 und höchstens 1,0"),
        ("abc", "Bitte einen Stellenanteil als Zahl eingeben"),
        ("", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_post_form_rejects_bad_fte_at_the_field_and_saves_nothing(admin_client, carrier_a, fte, message):
    module = f.ModuleFactory(number=2)
    response = admin_client.post(reverse("modules:post_create"), post_data(module, carrier_a, fte=fte))
    assert response.status_code == 200
    assert any(message in e for e in field_errors(response, "fte")), field_errors(response, "fte")
    assert Post.objects.count() == 0


def test_post_form_rejects_end_before_start(admin_client, carrier_a):
    module = f.ModuleFactory(number=2)
    response = admin_client.post(
        reverse("modules:post_create"), post_data(module, carrier_a, start="2021-06-01", end="2021-05-31")
    )
    assert field_errors(response, "end") == ["Das Ende darf nicht vor dem Beginn liegen."]
    assert Post.objects.count() == 0


def test_post_form_accepts_german_dates_and_fte_with_comma(admin_client, a46_user, carrier_a):
    module = f.ModuleFactory(number=2)
    response = admin_client.post(
        reverse("modules:post_create"), post_data(module, carrier_a, fte="0,75", start="01.07.2020", end="31.12.2022")
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.fte == D("0.75")
    assert post.start == date(2020, 7, 1)
    assert post.history.first().history_user == a46_user


def test_occupancy_above_the_posts_fte_is_refused(admin_client):
    post = f.CarrierPostFactory(fte=D("0.5"), start=date(2021, 1, 1), end=date(2021, 12, 31))
    url = reverse("modules:occupancy_create", args=[post.pk])
    response = admin_client.post(url, {"start": "2021-01-01", "end": "2021-12-31", "fte": "0,75"})
    assert response.status_code == 200
    assert Occupancy.objects.count() == 0
    response = admin_client.post(url, {"start": "2021-01-01", "end": "2021-12-31", "fte": "0,5"})
    assert response.status_code == 302
    response = admin_client.post(url, {"start": "2021-06-01", "end": "2021-12-31", "fte": "0,25"})
    assert "wären 0,75 VZÄ besetzt" in " ".join(field_errors(response, "fte"))
    assert Occupancy.objects.count() == 1


def grant_data(programme, authority, county, **overrides):
    data = {
        "programme": programme.pk,
        "recipient": county.pk,
        "authority": authority.pk,
        "reference": "36.08.05-KIM-M2-2021",
        "issued_on": "15.02.2021",
        "period_start": "01.01.2021",
        "period_end": "31.12.2021",
        "approved_fte": "6,0",
        "amount": "330.000,00",
    }
    data.update(overrides)
    return data


def test_grant_form_accepts_german_amount(admin_client, authority, county):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    response = admin_client.post(reverse("funding:grant_create"), grant_data(programme, authority, county))
    assert response.status_code == 302, response.context["form"].errors
    assert GrantNotice.objects.get().amount == D("330000.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1,00", "Der Betrag darf nicht negativ sein."),
        ("12,345", "Höchstens zwei Nachkommastellen (Cent)."),
        ("55.00.0,00", "Bitte einen Betrag in Euro eingeben"),
        ("1e9", "Bitte einen Betrag in Euro eingeben"),
        ("99999999999999", "Der Betrag ist zu groß"),
    ],
)
def test_grant_form_rejects_malformed_or_negative_amounts(admin_client, authority, county, amount, message):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    response = admin_client.post(
        reverse("funding:grant_create"), grant_data(programme, authority, county, amount=amount)
    )
    assert response.status_code == 200
    assert any(message in e for e in field_errors(response, "amount")), field_errors(response, "amount")
    assert GrantNotice.objects.count() == 0


def test_grant_period_end_before_start_is_refused(admin_client, authority, county):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    response = admin_client.post(
        reverse("funding:grant_create"),
        grant_data(programme, authority, county, period_start="01.07.2021", period_end="30.06.2021"),
    )
    assert field_errors(response, "period_end") == ["Das Ende darf nicht vor dem Beginn liegen."]
    assert GrantNotice.objects.count() == 0


def test_over_forwarding_is_refused_at_the_grant_field_and_nothing_is_saved(admin_client, paper_2020_0354):
    """Paper: 330.000 € for 6 VZÄ, 5 × 55.000 € forwarded → 55.000 € left. An amending notice widens the
    approved VZÄ to 8 (same money); one more 64.000 €-post at 55.000 € fits, a second exceeds by 55.000 €."""
    from funding.services import allocation_save

    paper = paper_2020_0354
    GrantNotice.objects.filter(pk=paper.grant.pk).update(approved_fte=D("8"))
    extra = [
        f.CarrierPostFactory(module=paper.programme.module, employer=paper.carriers[0], title=f"Zusatz {i}")
        for i in (1, 2)
    ]
    for post in extra:
        f.CostPlanFactory(post=post, year=2021, personnel=D("64000"), material_overhead=D("6000"))
        allocation_save(
            grant=paper.grant, data={"post": post, "fte": D("1"), "start": date(2021, 1, 1), "end": date(2021, 12, 31)}
        )
    data = {"grant": paper.grant.pk, "reference": "", "signed_on": "", "start": "01.01.2021", "end": "31.12.2021"}
    assert admin_client.post(reverse("funding:forwarding_create"), {**data, "post": extra[0].pk}).status_code == 302
    before = ForwardingContract.objects.count()
    response = admin_client.post(reverse("funding:forwarding_create"), {**data, "post": extra[1].pk})
    assert response.status_code == 200
    errors = " ".join(field_errors(response, "grant"))
    assert "Überschreitung" in errors and "55.000,00\u00a0€" in errors
    assert ForwardingContract.objects.count() == before


def test_double_funding_allocation_is_refused_naming_both_programmes(admin_client, paper_2020_0354):
    paper = paper_2020_0354
    komm_an = f.ProgrammeFactory(name="KOMM-AN NRW", short_name="KOMM-AN NRW", module=None)
    other_grant = f.GrantNoticeFactory(
        programme=komm_an,
        reference="KOMM-AN-2021",
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        approved_fte=D("1"),
        amount=D("50000"),
    )
    post = paper.carrier_posts[0]
    before = GrantAllocation.objects.count()
    response = admin_client.post(
        reverse("funding:allocation_create", args=[other_grant.pk]),
        {"post": post.pk, "fte": "1,0", "start": "01.04.2021", "end": "30.06.2021"},
    )
    assert response.status_code == 200
    message = " ".join(field_errors(response, "fte"))
    assert "Doppelförderung" in message
    assert "KIM Modul 2" in message and "KOMM-AN NRW" in message
    assert GrantAllocation.objects.count() == before


def test_cost_plan_with_negative_overhead_is_refused(admin_client, carrier_a):
    post = f.CarrierPostFactory(employer=carrier_a)
    response = admin_client.post(
        reverse("funding:costplan_create"),
        {"post": post.pk, "year": "2021", "personnel": "64.000,00", "material_overhead": "-6.000,00"},
    )
    assert field_errors(response, "material_overhead") == ["Der Betrag darf nicht negativ sein."]
    assert CostPlan.objects.count() == 0


def test_cost_plan_year_must_be_a_year(admin_client, carrier_a):
    post = f.CarrierPostFactory(employer=carrier_a)
    response = admin_client.post(
        reverse("funding:costplan_create"),
        {"post": post.pk, "year": "21", "personnel": "64.000,00", "material_overhead": "6.000,00"},
    )
    assert field_errors(response, "year") == ["Das Jahr muss zwischen 2000 und 2100 liegen."]


def test_own_share_request_decided_above_requested_is_refused(admin_client, ag_wohlfahrt):
    response = admin_client.post(
        reverse("funding:request_create"),
        {
            "applicant": ag_wohlfahrt.pk,
            "received_on": "25.05.2020",
            "subject": "",
            "requested_amount": "100.000,00",
            "budget_year": "2021",
            "status": "approved",
            "decided_amount": "150.000,00",
            "decided_on": "",
        },
    )
    assert field_errors(response, "decided_amount") == ["Es kann nicht mehr bewilligt werden als beantragt."]
    assert OwnShareRequest.objects.count() == 0


def test_budget_line_rejects_non_numeric_account(admin_client):
    response = admin_client.post(
        reverse("funding:budget_create"),
        {
            "year": "2021",
            "teilprodukt": "946100",
            "sachkonto": "<script>",
            "label": "x",
            "kind": "income",
            "planned_amount": "570.000,00",
            "forecast_basis": "land_income",
        },
    )
    assert field_errors(response, "sachkonto") == ["Das Sachkonto besteht aus Ziffern, z. B. 414100."]
    assert "<script>" not in response.content.decode().replace("&lt;script&gt;", "")


def test_editing_a_missing_object_is_a_404_not_a_500(admin_client):
    assert admin_client.get(reverse("modules:post_edit", args=[999999])).status_code == 404
    assert admin_client.post(reverse("funding:forwarding_edit", args=[999999]), {}).status_code == 404


def test_messages_stay_german_when_the_browser_asks_for_english(admin_client, carrier_a):
    module = f.ModuleFactory(number=2)
    data = {**post_data(module, carrier_a), "employer": ""}
    response = admin_client.post(reverse("modules:post_create"), data, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert field_errors(response, "employer") == ["Dieses Feld ist zwingend erforderlich."]
    assert 'lang="de"' in response.content.decode()


def test_dates_are_date_inputs_and_typed_german_dates_are_accepted(admin_client, carrier_a):
    """Issue 16: <input type="date"> (the browser shows its picker and sends JJJJ-MM-TT) within the
    plausible range; a date typed in German notation is still read."""
    post = f.CarrierPostFactory(employer=carrier_a, start=date(2020, 7, 1), end=date(2022, 12, 31))
    html = admin_client.get(reverse("modules:post_edit", args=[post.pk])).content.decode()
    start = re.search(r'<input[^>]*name="start"[^>]*>', html).group(0)
    assert 'type="date"' in start and 'value="2020-07-01"' in start
    assert 'min="2000-01-01"' in start and 'max="2100-12-31"' in start
    assert 'value="2022-12-31"' in html
    module = f.ModuleFactory(number=2)
    response = admin_client.post(
        reverse("modules:post_edit", args=[post.pk]),
        {**post_data(module, carrier_a, start="01.07.2020", end="31.12.2022"), "version": post.version},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.start, post.end) == (date(2020, 7, 1), date(2022, 12, 31))


def test_post_history_shows_who_changed_which_field(admin_client, a46_user, carrier_a):
    module = f.ModuleFactory(number=2)
    admin_client.post(reverse("modules:post_create"), post_data(module, carrier_a))
    post = Post.objects.get()
    response = admin_client.post(
        reverse("modules:post_edit", args=[post.pk]),
        {**post_data(module, carrier_a, fte="0,5"), "version": post.version},
    )
    assert response.status_code == 302
    html = admin_client.get(reverse("modules:post_detail", args=[post.pk])).content.decode()
    [newest, created] = admin_client.get(reverse("modules:post_detail", args=[post.pk])).context["history"]
    assert newest["record"].history_user == a46_user
    assert [(c["field"], c["old"], c["new"]) for c in newest["changes"]] == [("Stellenanteil (VZÄ)", "1,0", "0,5")]
    assert "Änderungsverlauf" in html and "geändert" in html


def test_changing_the_cost_plan_recomputes_the_contract(admin_client, paper_2020_0354):
    """Contract agreed at min(64.000, 55.000) = 55.000 €; the plan drops to 50.000 € → 50.000 €."""
    contract = paper_2020_0354.forwardings[0]
    plan = paper_2020_0354.cost_plans[0]
    response = admin_client.post(
        reverse("funding:costplan_edit", args=[plan.pk]),
        {
            "post": plan.post.pk,
            "year": "2021",
            "personnel": "50.000,00",
            "material_overhead": "6.000,00",
            "version": plan.version,
        },
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.amount == D("50000.00")
    response = admin_client.get(reverse("funding:forwarding_detail", args=[contract.pk]))
    assert response.context["recomputed"] == D("50000.00")
    assert "ergäbe sich" not in response.content.decode()


def test_a_rate_increase_that_would_exceed_the_grant_is_refused_and_nothing_changes(admin_client, paper_2020_0354):
    """With the grant cut to 280.000 €, a rate of 60.000 € would make each contract
    min(64.000, 60.000) = 60.000 €, 5 × 60.000 = 300.000 € > 280.000 €: refused."""
    from funding.services import grant_save

    grant_save(grant=paper_2020_0354.grant, data={"amount": D("280000")})
    rate = paper_2020_0354.rates["case_management"]
    response = admin_client.post(
        reverse("funding:rate_edit", args=[rate.pk]),
        {
            "programme": rate.programme.pk,
            "category": "case_management",
            "year": "2021",
            "amount_per_fte": "60.000,00",
            "version": rate.version,
        },
    )
    assert response.status_code == 200
    assert "mehr als die Zuwendung von 280.000,00 €" in " ".join(field_errors(response, "amount_per_fte"))
    rate.refresh_from_db()
    assert rate.amount_per_fte == D("55000")
    assert {c.amount for c in ForwardingContract.objects.filter(grant=paper_2020_0354.grant)} == {D("55000.00")}


def test_moving_a_post_with_contracts_to_another_carrier_is_refused(admin_client, paper_2020_0354):
    post = paper_2020_0354.carrier_posts[0]
    other = paper_2020_0354.carriers[1]
    data = post_data(post.module, other, title=post.title, start="01.01.2021", end="31.12.2022")
    data["start"], data["end"] = post.start.strftime("%d.%m.%Y"), post.end.strftime("%d.%m.%Y")
    data["version"] = post.version
    response = admin_client.post(reverse("modules:post_edit", args=[post.pk]), data)
    assert response.status_code == 200
    assert "Anstellungsträger kann nicht geändert werden" in " ".join(field_errors(response, "employer"))
    post.refresh_from_db()
    assert post.employer == paper_2020_0354.carriers[0]


def test_a_module_2_post_in_aachen_is_refused(admin_client, carrier_a):
    aachen = f.MunicipalityFactory(name="Aachen", module2_area=False)
    module = f.ModuleFactory(number=2)
    response = admin_client.post(reverse("modules:post_create"), post_data(module, carrier_a, place=aachen.pk))
    assert field_errors(response, "place") == [
        "Aachen wird im Modul 2 gesondert gefördert; Stellen des Kreises liegen außerhalb."
    ]
    assert Post.objects.count() == 0


def test_carrier_staff_can_only_be_bound_to_a_carrier(county):
    from django.core.exceptions import ValidationError as DjangoValidationError

    from kim.models import Role, User

    user = User(username="falsch", role=Role.CARRIER, organisation=county)
    with pytest.raises(DjangoValidationError) as excinfo:
        user.full_clean()
    assert "Trägerpersonal kann nur einem Träger zugeordnet werden." in excinfo.value.message_dict["organisation"]


def test_reducing_an_allocation_recomputes_the_contract(admin_client, paper_2020_0354):
    """Allocation 1,0 → 0,5 VZÄ: the contract becomes min(64.000, 55.000 × 0,5) = 27.500,00 €."""
    paper = paper_2020_0354
    allocation = next(a for a in paper.allocations if a.post == paper.carrier_posts[0])
    url = reverse("funding:allocation_edit", args=[paper.grant.pk, allocation.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "post": allocation.post.pk,
            "fte": "0,5",
            "start": "01.01.2021",
            "end": "31.12.2021",
            "version": allocation.version,
        },
    )
    assert response.status_code == 302
    contract = ForwardingContract.objects.get(post=allocation.post)
    assert contract.amount == D("27500.00")


def test_shortening_an_allocation_below_its_contract_is_refused(admin_client, paper_2020_0354):
    paper = paper_2020_0354
    allocation = next(a for a in paper.allocations if a.post == paper.carrier_posts[0])
    url = reverse("funding:allocation_edit", args=[paper.grant.pk, allocation.pk])
    response = admin_client.post(
        url,
        {
            "post": allocation.post.pk,
            "fte": "1,0",
            "start": "01.01.2021",
            "end": "30.06.2021",
            "version": allocation.version,
        },
    )
    assert response.status_code == 200
    assert "nicht zugeordnet" in " ".join(field_errors(response, "fte"))
    allocation.refresh_from_db()
    assert allocation.end == date(2021, 12, 31)


def test_an_occupancy_can_be_ended(admin_client):
    post = f.CarrierPostFactory(start=date(2021, 1, 1), end=date(2022, 12, 31))
    occupancy = f.OccupancyFactory(post=post, start=date(2021, 1, 1), end=date(2022, 12, 31), fte=post.fte)
    url = reverse("modules:occupancy_edit", args=[post.pk, occupancy.pk])
    response = admin_client.post(
        url, {"start": "01.01.2021", "end": "30.09.2021", "fte": "1,0", "version": occupancy.version}
    )
    assert response.status_code == 302
    occupancy.refresh_from_db()
    assert occupancy.end == date(2021, 9, 30)
    other = f.CarrierPostFactory()
    assert admin_client.get(reverse("modules:occupancy_edit", args=[other.pk, occupancy.pk])).status_code == 404
