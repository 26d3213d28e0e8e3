"""No lost updates through the edit forms: two people open the same form, the second one to save gets a
German conflict message naming who changed what, and nothing of the stale form is written (not even a
history record)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.form_values import browser_values, stale_edit, top_errors

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def anna(client, a46_user):
    client.force_login(a46_user)
    return client


@pytest.fixture
def bernd(db):
    from django.test import Client

    other = Client()
    other.force_login(f.A46UserFactory(username="a46-berger", first_name="Bernd", last_name="Berger"))
    return other


def _post(paper):
    return paper.carrier_posts[0]


def _grant(paper):
    return paper.grant


def _contract(paper):
    return paper.forwardings[0]


def _plan(paper):
    return paper.cost_plans[0]


def _rate(paper):
    return paper.rates["case_management"]


def _programme(paper):
    return paper.programme


def _request(paper):
    return f.OwnShareRequestFactory(applicant=paper.umbrella)


def _budget_line(paper):
    return f.BudgetLineFactory()


# (url name, object, first user's change, second user's change, the change line the first user is shown,
#  field and value the database keeps)
CASES = {
    "post": (
        "modules:post_edit",
        _post,
        {"title": "Stelle A"},
        {"pay_grade": "S 12"},
        "Entgeltgruppe: – → S 12",
        ("pay_grade", "S 12"),
    ),
    "grant": (
        "funding:grant_edit",
        _grant,
        {"reference": "AZ-A"},
        {"amount": "340.000,00"},
        "Zuwendung: 330.000,00\u00a0€ → 340.000,00\u00a0€",
        ("amount", D("340000")),
    ),
    "contract": (
        "funding:forwarding_edit",
        _contract,
        {"reference": "WV-A"},
        {"reference": "WV-B"},
        "Vertragsnummer: {old} → WV-B",
        ("reference", "WV-B"),
    ),
    "costplan": (
        "funding:costplan_edit",
        _plan,
        {"material_overhead": "5.000,00"},
        {"material_overhead": "7.000,00"},
        "Sach- und Overheadkosten: 6.000,00\u00a0€ → 7.000,00\u00a0€",
        ("material_overhead", D("7000")),
    ),
    "rate": (
        "funding:rate_edit",
        _rate,
        {"amount_per_fte": "54.000,00"},
        {"amount_per_fte": "56.000,00"},
        "Pauschale je VZÄ und Jahr: 55.000,00\u00a0€ → 56.000,00\u00a0€",
        ("amount_per_fte", D("56000")),
    ),
    "programme": (
        "funding:programme_edit",
        _programme,
        {"name": "Programm A"},
        {"name": "Programm B"},
        "Bezeichnung: {old} → Programm B",
        ("name", "Programm B"),
    ),
    "request": (
        "funding:request_edit",
        _request,
        {"subject": "Antrag A"},
        {"subject": "Antrag B"},
        "Gegenstand: Übernahme des verbleibenden Eigenanteils → Antrag B",
        ("subject", "Antrag B"),
    ),
    "budget": (
        "funding:budget_edit",
        _budget_line,
        {"planned_amount": "560.000,00"},
        {"planned_amount": "580.000,00"},
        "Planansatz: 570.000,00\u00a0€ → 580.000,00\u00a0€",
        ("planned_amount", D("580000")),
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_stale_form_is_refused_with_who_when_and_what_changed(anna, bernd, paper_2020_0354, kind):
    url_name, get, first_changes, second_changes, line, (field, kept) = CASES[kind]
    obj = get(paper_2020_0354)
    first_field = next(iter(first_changes))
    old = getattr(obj, first_field)
    history_before = obj.history.count()
    response = stale_edit(
        reverse(url_name, args=[obj.pk]), anna, bernd, first_changes=first_changes, second_changes=second_changes
    )

    assert response.status_code == 200
    errors = top_errors(response)
    newest = obj.history.first()
    when = timezone.localtime(newest.history_date).strftime("%d.%m.%Y, %H:%M Uhr")
    assert (
        errors[0]
        == f"Dieser Datensatz wurde inzwischen von Bernd Berger am {when} geändert. Ihre Änderungen wurden nicht gespeichert."
    )
    assert line.format(old=old) in errors
    # What the first user typed is still in the form, to copy from.
    assert response.context["form"][first_field].value() == first_changes[first_field]
    obj.refresh_from_db()
    assert getattr(obj, field) == kept
    if first_field != field:
        assert getattr(obj, first_field) == old
    assert obj.version == 2
    assert obj.history.count() == history_before + 1  # only the second user's change
    assert newest.history_user.username == "a46-berger"


def test_the_current_form_saves_and_raises_the_version(anna, paper_2020_0354):
    plan = paper_2020_0354.cost_plans[0]
    url = reverse("funding:costplan_edit", args=[plan.pk])
    values = browser_values(anna.get(url).context["form"])
    assert values["version"] == "1"
    assert anna.post(url, {**values, "material_overhead": "7.000,00"}).status_code == 302
    values = browser_values(anna.get(url).context["form"])
    assert values["version"] == "2"
    assert anna.post(url, {**values, "material_overhead": "8.000,00"}).status_code == 302
    plan.refresh_from_db()
    assert (plan.material_overhead, plan.version) == (D("8000"), 3)


@pytest.mark.parametrize("version", ["", "abc", "0", "-1", "1e309", "9" * 40, "１"])
def test_a_missing_or_garbled_version_is_a_german_message_and_saves_nothing(anna, paper_2020_0354, version):
    grant = paper_2020_0354.grant
    url = reverse("funding:grant_edit", args=[grant.pk])
    values = browser_values(anna.get(url).context["form"])
    response = anna.post(url, {**values, "amount": "340.000,00", "version": version})
    assert response.status_code == 200
    assert top_errors(response) == ["Das Formular ist unvollständig oder veraltet. Bitte die Seite neu laden."]
    grant.refresh_from_db()
    assert (grant.amount, grant.version) == (D("330000"), 1)


def test_a_version_from_the_future_is_refused(anna, paper_2020_0354):
    grant = paper_2020_0354.grant
    url = reverse("funding:grant_edit", args=[grant.pk])
    values = browser_values(anna.get(url).context["form"])
    response = anna.post(url, {**values, "amount": "340.000,00", "version": "7"})
    assert response.status_code == 200
    assert "Das Formular passt nicht zum gespeicherten Stand." in top_errors(response)[0]
    grant.refresh_from_db()
    assert grant.amount == D("330000")


def test_an_occupancy_edited_twice_keeps_the_first_save(anna, bernd, paper_2020_0354):
    post = paper_2020_0354.carrier_posts[1]
    occupancy = f.OccupancyFactory(post=post)
    url = reverse("modules:occupancy_edit", args=[post.pk, occupancy.pk])
    response = stale_edit(url, anna, bernd, first_changes={"fte": "0,75"}, second_changes={"fte": "0,5"})
    assert response.status_code == 200
    assert any(e.endswith("1,0 → 0,5") for e in top_errors(response))
    occupancy.refresh_from_db()
    assert occupancy.fte == D("0.5")


def test_the_history_page_does_not_list_the_version(anna, paper_2020_0354):
    plan = paper_2020_0354.cost_plans[0]
    url = reverse("funding:costplan_edit", args=[plan.pk])
    values = browser_values(anna.get(url).context["form"])
    anna.post(url, {**values, "material_overhead": "7.000,00"})
    from kim.views import history_with_changes

    [newest, *_older] = history_with_changes(plan, limit=5)
    assert [c["field"] for c in newest["changes"]] == ["Sach- und Overheadkosten"]
