"""Forwarding to municipalities and along chains (issue 18, item 5), entered through the app's pages.

The chain, by hand (KIM module 2, 55.000 € per VZÄ, 2021, every post 1,0 VZÄ with 64.000 € personnel
cost, so each first-level contract is min(64.000, 55.000 × 1,0) = 55.000 € for the whole year):

    county ──55.000──▶ Stadt Eschweiler (its own post)
    county ──55.000──▶ Stadt Eschweiler for Caritas' post ──50.000──▶ Caritas
    county ──55.000──▶ Stadt Eschweiler for Diakonie's post ──55.000──▶ Diakonie ──20.000──▶ Stadt Stolberg

The notice: 3 VZÄ, 165.000 €. The body forwarded 3 × 55.000 = 165.000 €; the recipients passed on
50.000 + 55.000 (level 2) + 20.000 (level 3) = 125.000 €, which is part of the 165.000 €, not added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding import selectors
from funding.controlling import budget
from funding.controlling.selectors import programme_flow
from funding.controlling.services import proof_obligation_save
from funding.models import ForwardingContract, GrantNotice, ProofKind
from funding.services import allocation_save
from kim.models import Body, Organisation, OrganisationKind
from modules.models import Post, PostCategory
from overview.dashboard import dashboard_context
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
EURO = "\u00a0€"


@pytest.fixture
def admin_client(client, a46_user):
    client.force_login(a46_user)
    return client


@dataclass
class Chain:
    county: Organisation
    eschweiler: Organisation
    stolberg: Organisation
    caritas: Organisation
    diakonie: Organisation
    grant: GrantNotice
    own_post: Post  # Eschweiler's own post
    caritas_post: Post
    diakonie_post: Post


def errors_at(response, field: str) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.get(field, []))


def create_municipality(admin_client, *, name: str, slug: str, parent: Organisation) -> Organisation:
    """A municipality is an organisation of its own kind under the county, entered on the master data page."""
    response = admin_client.post(
        reverse("masterdata:organisation_create"),
        {"kind": "municipality", "name": name, "short_name": name, "slug": slug, "parent": parent.pk, "address": ""}
        | {"is_active": "on"},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return Organisation.objects.get(slug=slug)


@pytest.fixture
def chain_setup(admin_client, county, authority, carrier_a, carrier_b) -> Chain:
    Body.objects.create(name="Kreis Muster", short_name="Kreis Muster", organisation=county)
    eschweiler = create_municipality(admin_client, name="Stadt Eschweiler", slug="stadt-eschweiler", parent=county)
    stolberg = create_municipality(admin_client, name="Stadt Stolberg", slug="stadt-stolberg", parent=county)
    module2 = f.ModuleFactory(number=2)
    programme = f.KimProgrammeFactory(module=module2)
    f.RateFactory(programme=programme, category=PostCategory.CASE_MANAGEMENT, year=2021, amount_per_fte=D("55000"))
    posts = []
    for employer, title in ((eschweiler, "CM Eschweiler"), (carrier_a, "CM Caritas"), (carrier_b, "CM Diakonie")):
        # a municipality can employ a post: entered through the post form like any employer
        response = admin_client.post(
            reverse("modules:post_create"),
            {
                "module": module2.pk,
                "title": title,
                "category": "case_management",
                "fte": "1,0",
                "employer": employer.pk,
                "place": "",
                "pay_grade": "S 12",
                "start": "01.01.2021",
                "end": "",
                "notes": "",
            },
        )
        assert response.status_code == 302
        post = Post.objects.get(title=title)
        posts.append(post)
        f.CostPlanFactory(post=post, year=2021, personnel=D("64000"), material_overhead=D("0"))
    grant = f.GrantNoticeFactory(
        programme=programme,
        recipient=county,
        authority=authority,
        reference="KIM-M2-2021",
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        approved_fte=D("3"),
        amount=D("165000"),
    )
    for post in posts:
        allocation_save(
            grant=grant, data={"post": post, "fte": D("1"), "start": date(2021, 1, 1), "end": date(2021, 12, 31)}
        )
    return Chain(county, eschweiler, stolberg, carrier_a, carrier_b, grant, *posts)


def first_level(admin_client, chain: Chain, post: Post, **extra) -> object:
    data = {
        "grant": chain.grant.pk,
        "post": post.pk,
        "carrier": chain.eschweiler.pk,
        "reference": f"WV-{post.pk}",
        "signed_on": "",
        "start": "01.01.2021",
        "end": "31.12.2021",
    }
    return admin_client.post(reverse("funding:forwarding_create"), data | extra)


def onward(admin_client, upstream: ForwardingContract, recipient: Organisation, amount: str, **extra) -> object:
    data = {
        "carrier": recipient.pk,
        "reference": f"WV-{upstream.pk}-{recipient.slug}",
        "signed_on": "",
        "start": "01.01.2021",
        "end": "31.12.2021",
        "amount": amount,
    }
    return admin_client.post(reverse("funding:forwarding_onward_create", args=[upstream.pk]), data | extra)


@pytest.fixture
def chain(admin_client, chain_setup) -> Chain:
    c = chain_setup
    for post in (c.own_post, c.caritas_post, c.diakonie_post):
        assert first_level(admin_client, c, post).status_code == 302
    to_caritas = ForwardingContract.objects.get(post=c.caritas_post, level=1)
    to_diakonie = ForwardingContract.objects.get(post=c.diakonie_post, level=1)
    assert onward(admin_client, to_caritas, c.caritas, "50.000,00").status_code == 302
    assert onward(admin_client, to_diakonie, c.diakonie, "55.000,00").status_code == 302
    level2 = ForwardingContract.objects.get(upstream=to_diakonie)
    assert onward(admin_client, level2, c.stolberg, "20.000,00").status_code == 302
    return c


def test_a_three_level_chain_is_entered_through_the_pages(chain):
    contracts = ForwardingContract.objects.order_by("level", "post__title")
    rows = [(c.level, c.upstream.carrier.slug if c.upstream else None, c.carrier.slug, c.amount) for c in contracts]
    assert rows == [
        (1, None, "stadt-eschweiler", D("55000.00")),
        (1, None, "stadt-eschweiler", D("55000.00")),
        (1, None, "stadt-eschweiler", D("55000.00")),
        (2, "stadt-eschweiler", "caritas", D("50000.00")),
        (2, "stadt-eschweiler", "diakonie", D("55000.00")),
        (3, "diakonie", "stadt-stolberg", D("20000.00")),
    ]
    # an onward contract keeps the grant and the post of the contract it passes on
    for c in contracts.filter(level__gt=1):
        assert (c.grant_id, c.post_id) == (c.upstream.grant_id, c.upstream.post_id)


def test_the_body_forwards_to_a_municipality_only_for_another_employers_post(admin_client, chain_setup):
    """A carrier cannot receive money for another employer's post; a municipality can (it forwards on)."""
    c = chain_setup
    response = first_level(admin_client, c, c.diakonie_post, carrier=c.caritas.pk)
    assert response.status_code == 200
    assert "Mittel für die Stelle eines anderen Anstellungsträgers erhält nur eine Kommune" in errors_at(
        response, "carrier"
    )
    # without a recipient the post's employer receives the money
    assert first_level(admin_client, c, c.diakonie_post, carrier="").status_code == 302
    assert ForwardingContract.objects.get(post=c.diakonie_post).carrier == c.diakonie


def test_over_forwarding_at_the_first_level_is_refused_at_the_field(admin_client, chain):
    """165.000 € of the notice are forwarded; a fourth post (0,5 VZÄ, 27.500 €) would exceed it by 27.500 €."""
    c = chain
    GrantNotice.objects.filter(pk=c.grant.pk).update(approved_fte=D("3.5"))
    extra = f.CarrierPostFactory(module=c.own_post.module, employer=c.caritas, title="CM Zusatz", fte=D("0.5"))
    f.CostPlanFactory(post=extra, year=2021, personnel=D("32000"), material_overhead=D("0"))
    allocation_save(
        grant=c.grant, data={"post": extra, "fte": D("0.5"), "start": date(2021, 1, 1), "end": date(2021, 12, 31)}
    )
    before = ForwardingContract.objects.count()
    response = first_level(admin_client, c, extra)
    assert response.status_code == 200
    assert errors_at(response, "grant") == (
        f"Überschreitung: Aus dem Bescheid (165.000,00{EURO}) sind bereits 165.000,00{EURO} weitergeleitet; "
        f"weitere 27.500,00{EURO} würden ihn um 27.500,00{EURO} übersteigen."
    )
    assert ForwardingContract.objects.count() == before


def test_over_forwarding_at_the_second_level_is_refused_at_the_amount(admin_client, chain):
    """Eschweiler received 55.000 € for Caritas' post and passed on 50.000 €: 5.000,01 € more exceed by 0,01 €."""
    c = chain
    to_caritas = ForwardingContract.objects.get(post=c.caritas_post, level=1)
    before = ForwardingContract.objects.count()
    response = onward(admin_client, to_caritas, c.stolberg, "5.000,01")
    assert response.status_code == 200
    assert errors_at(response, "amount") == (
        f"Überschreitung: Stadt Eschweiler hat aus dem Vertrag „{to_caritas}“ 55.000,00{EURO} erhalten und davon "
        f"bereits 50.000,00{EURO} weitergeleitet; weitere 5.000,01{EURO} würden das um 0,01{EURO} übersteigen."
    )
    assert ForwardingContract.objects.count() == before
    # exactly the rest fits
    assert onward(admin_client, to_caritas, c.stolberg, "5.000,00").status_code == 302


def test_over_forwarding_at_the_third_level_is_refused_at_the_amount(admin_client, chain):
    """Diakonie received 55.000 € and passed on 20.000 €: another 35.000,01 € is too much, 35.000 € fit."""
    c = chain
    level2 = ForwardingContract.objects.get(carrier=c.diakonie, level=2)
    response = onward(admin_client, level2, c.caritas, "35.000,01")
    assert response.status_code == 200
    assert "würden das um 0,01\u00a0€ übersteigen" in errors_at(response, "amount")
    assert onward(admin_client, level2, c.caritas, "35.000,00").status_code == 302


def test_an_edit_cannot_push_a_level_over_its_cap(admin_client, chain):
    """Raising Eschweiler's 50.000 € for Caritas to 55.000,01 € is refused; lowering the level-2 contract
    to Diakonie below the 20.000 € Diakonie already passed on is refused too."""
    c = chain
    to_caritas = ForwardingContract.objects.get(carrier=c.caritas, level=2)
    url = reverse("funding:forwarding_edit", args=[to_caritas.pk])
    data = {
        "carrier": c.caritas.pk,
        "reference": to_caritas.reference,
        "signed_on": "",
        "start": "01.01.2021",
        "end": "31.12.2021",
        "version": to_caritas.version,
    }
    response = admin_client.post(url, data | {"amount": "55.000,01"})
    assert "übersteigen" in errors_at(response, "amount")
    to_diakonie = ForwardingContract.objects.get(carrier=c.diakonie, level=2)
    response = admin_client.post(
        reverse("funding:forwarding_edit", args=[to_diakonie.pk]),
        data | {"carrier": c.diakonie.pk, "amount": "19.999,99", "version": to_diakonie.version},
    )
    assert "bereits 20.000,00\u00a0€ weitergeleitet" in errors_at(response, "amount")
    to_diakonie.refresh_from_db()
    assert to_diakonie.amount == D("55000.00")


def test_money_cannot_flow_back_up_the_chain(admin_client, chain):
    c = chain
    level3 = ForwardingContract.objects.get(level=3)
    response = onward(admin_client, level3, c.eschweiler, "1.000,00")
    assert "hat diese Mittel in der Kette bereits erhalten" in errors_at(response, "carrier")


def test_onward_periods_stay_inside_the_upstream_contract(admin_client, chain):
    c = chain
    to_caritas = ForwardingContract.objects.get(post=c.caritas_post, level=1)
    response = onward(admin_client, to_caritas, c.stolberg, "100,00", start="01.01.2021", end="31.12.2022")
    assert "Der Zeitraum muss im Zeitraum des Vertrags" in errors_at(response, "start")


def test_totals_do_not_count_onward_money_twice(admin_client, chain):
    """The body forwarded 165.000 € (3 × 55.000 €); the 125.000 € passed on are part of it."""
    c = chain
    assert selectors.forwarded_for_grant(grant=c.grant) == D("165000.00")
    assert selectors.forwarded_total(year=2021) == D("165000.00")
    assert budget.forwarded_totals(years=[2021]) == {2021: D("165000.00")}
    flow = programme_flow(year=2021)
    assert (flow.land_total, flow.forwarded_total, flow.own_total, flow.onward_total) == (
        D("165000.00"),
        D("165000.00"),
        D("0.00"),
        D("125000.00"),
    )
    # the contract list sums the body's contracts and shows the onward ones apart
    assert admin_client.get(reverse("funding:forwarding_list") + "?year=2021").context["total"] == D("165000.00")
    onward_total = admin_client.get(reverse("funding:forwarding_list") + "?year=2021").context["onward_total"]
    assert onward_total == D("125000.00")
    data = dashboard_context(year=2021)
    assert data["forwarded_total"] == D("165000.00")
    assert data["forwarding_count"] == 3


def test_the_flow_page_shows_all_levels(admin_client, chain):
    response = admin_client.get(reverse("funding:controlling_flow") + "?year=2021")
    assert response.status_code == 200
    links = response.context["links"]
    bands = [(str(s), str(t), a) for s, t, a in links]
    assert ("Weiterleitung an Träger", "Stadt Eschweiler", D("165000.00")) in bands
    assert ("Stadt Eschweiler", "Caritas (Stufe 2)", D("50000.00")) in bands
    assert ("Stadt Eschweiler", "Diakonie (Stufe 2)", D("55000.00")) in bands
    assert ("Diakonie (Stufe 2)", "Stadt Stolberg (Stufe 3)", D("20000.00")) in bands
    html = response.content.decode()
    assert "Stadt Stolberg (Stufe 3)" in response.context["svg"]
    assert "Stufe 3, weitergeleitet von Diakonie" in html
    assert "125.000,00" in html  # passed on by the recipients, shown once, not added


def test_the_notice_and_the_recipients_pages_show_the_chain(admin_client, chain):
    c = chain
    html = admin_client.get(reverse("funding:grant_detail", args=[c.grant.pk])).content.decode()
    assert html.count('data-level="1"') == 3 and html.count('data-level="2"') == 2 and 'data-level="3"' in html
    # the notice counts only the body's own contracts: 165.000 € forwarded, nothing left
    response = admin_client.get(reverse("funding:grant_detail", args=[c.grant.pk]))
    assert (response.context["forwarded"], response.context["remaining"]) == (D("165000.00"), D("0.00"))
    # the municipality's page: three contracts received, two passed on
    response = admin_client.get(reverse("masterdata:organisation_detail", args=[c.eschweiler.pk]))
    assert len(response.context["forwardings"]) == 3 and len(response.context["onward_given"]) == 2
    # the carrier's page: received from Eschweiler, passed on to Stolberg
    response = admin_client.get(reverse("kim:carrier_detail", args=[c.diakonie.slug]))
    assert [x.amount for x in response.context["forwardings"]] == [D("55000.00")]
    assert [x.carrier for x in response.context["onward_given"]] == [c.stolberg]
    # the contract's page shows where the money came from and where it went on
    level2 = ForwardingContract.objects.get(carrier=c.diakonie)
    response = admin_client.get(reverse("funding:forwarding_detail", args=[level2.pk]))
    assert [x.carrier for x in response.context["chain_up"]] == [c.eschweiler]
    assert response.context["onward_remaining"] == D("35000.00")


def test_carrier_staff_see_their_received_contract_but_nothing_above_or_beside(client, chain, carrier_b_user):
    """Diakonie's staff: their level-2 contract, not Eschweiler's contracts, nor whom Diakonie passed it on to."""
    c = chain
    client.force_login(carrier_b_user)
    own = ForwardingContract.objects.get(carrier=c.diakonie)
    response = client.get(reverse("funding:forwarding_detail", args=[own.pk]))
    assert response.status_code == 200
    assert response.context["chain_up"] == [] and response.context["onward"] == []
    assert client.get(reverse("funding:forwarding_detail", args=[own.upstream_id])).status_code == 404
    level3 = ForwardingContract.objects.get(level=3)
    assert client.get(reverse("funding:forwarding_detail", args=[level3.pk])).status_code == 404
    assert client.get(reverse("funding:forwarding_onward_create", args=[own.pk])).status_code == 403
    response = client.get(reverse("kim:carrier_detail", args=[c.diakonie.slug]))
    assert response.context["onward_given"] is None


def test_each_recipient_proves_use_to_the_one_above(chain):
    c = chain
    expected = {1: c.county, 2: c.eschweiler, 3: c.diakonie}
    for contract in ForwardingContract.objects.filter(carrier__in=[c.eschweiler, c.diakonie, c.stolberg]):
        obligation = proof_obligation_save(
            kind=ProofKind.CARRIER, contract=contract, data={"due_on": date(2022, 6, 30)}
        )
        assert obligation.proves_to == expected[contract.level], contract
    obligation = proof_obligation_save(kind=ProofKind.LAND, grant=c.grant, data={"due_on": date(2022, 9, 30)})
    assert obligation.proves_to == c.grant.authority


def test_the_chain_is_recorded_in_history(chain, a46_user):
    level3 = ForwardingContract.objects.get(level=3)
    record = level3.history.first()
    assert record.history_type == "+" and record.history_user == a46_user
    assert record.upstream_id == level3.upstream_id and record.amount == D("20000.00")


def test_the_organisation_hierarchy_is_editable(admin_client, chain_setup):
    """Kind and parent are edited on the master data page (a municipality moves under another parent,
    and a cycle is refused at the field)."""
    c = chain_setup
    url = reverse("masterdata:organisation_edit", args=[c.stolberg.pk])
    base = {"kind": "municipality", "name": "Stadt Stolberg", "short_name": "Stadt Stolberg", "slug": "stadt-stolberg"}
    base |= {"address": "", "is_active": "on"}
    c.stolberg.refresh_from_db()
    response = admin_client.post(url, base | {"parent": c.eschweiler.pk, "version": c.stolberg.version})
    assert response.status_code == 302
    c.stolberg.refresh_from_db()
    assert c.stolberg.parent == c.eschweiler
    c.eschweiler.refresh_from_db()
    response = admin_client.post(
        reverse("masterdata:organisation_edit", args=[c.eschweiler.pk]),
        base
        | {
            "name": "Stadt Eschweiler",
            "short_name": "Stadt Eschweiler",
            "slug": "stadt-eschweiler",
            "parent": c.stolberg.pk,
            "version": c.eschweiler.version,
        },
    )
    assert "nicht unter sich selbst" in errors_at(response, "parent")
    assert c.stolberg.history.count() == 2  # created, moved
    assert Organisation.objects.get(pk=c.eschweiler.pk).kind == OrganisationKind.MUNICIPALITY


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (body, figures)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_chain_pages_run_the_same_number_of_queries_for_one_and_three_onward_rows(admin_client, chain):
    """Eschweiler passes Caritas' money on to one, then to three recipients (1 vs 3 rows on each page)."""
    c = chain
    to_caritas = ForwardingContract.objects.get(post=c.caritas_post, level=1)
    urls = [
        reverse("funding:grant_detail", args=[c.grant.pk]),
        reverse("funding:forwarding_detail", args=[to_caritas.pk]),
        reverse("masterdata:organisation_detail", args=[c.eschweiler.pk]),
        reverse("masterdata:organisation_detail", args=[c.stolberg.pk]),
        reverse("kim:carrier_detail", args=[c.caritas.slug]),
        reverse("funding:controlling_flow") + "?year=2021",
        reverse("funding:forwarding_list") + "?year=2021",
    ]
    one = {url: count_queries(admin_client, url) for url in urls}
    third = Organisation.objects.create(kind=OrganisationKind.MUNICIPALITY, name="Gemeinde Roetgen", slug="roetgen")
    assert onward(admin_client, to_caritas, c.stolberg, "1.000,00").status_code == 302
    assert onward(admin_client, to_caritas, third, "1.000,00").status_code == 302
    stolberg_in = ForwardingContract.objects.get(upstream=to_caritas, carrier=c.stolberg)
    assert onward(admin_client, stolberg_in, c.caritas, "500,00").status_code == 302  # Caritas also gets one at level 3
    three = {url: count_queries(admin_client, url) for url in urls}
    assert three == one


@pytest.mark.parametrize("field", ["carrier", "reference", "signed_on", "start", "end", "amount", "version"])
def test_hostile_values_in_the_onward_forms_never_give_a_500_and_save_nothing(admin_client, chain, field):
    from tests.views.test_hostile_input import HOSTILE

    c = chain
    to_caritas = ForwardingContract.objects.get(carrier=c.caritas, level=2)  # edit: Caritas' 50.000 €
    to_caritas_upstream = to_caritas.upstream
    valid = {
        "carrier": c.stolberg.pk,
        "reference": "WV-X",
        "signed_on": "",
        "start": "01.01.2021",
        "end": "31.12.2021",
        "amount": "1.000,00",
    }
    for value in HOSTILE:
        before = (ForwardingContract.objects.count(), ForwardingContract.history.count())
        create = admin_client.post(
            reverse("funding:forwarding_onward_create", args=[to_caritas_upstream.pk]), valid | {field: value}
        )
        edit = admin_client.post(
            reverse("funding:forwarding_edit", args=[to_caritas.pk]),
            valid | {"carrier": c.caritas.pk, "version": to_caritas.version} | {field: value},
        )
        for response in (create, edit):
            assert response.status_code in (200, 302), (field, value)
            assert "<script>alert(1)</script>" not in response.content.decode()
        if create.status_code == 200 and edit.status_code == 200:
            assert (ForwardingContract.objects.count(), ForwardingContract.history.count()) == before, (field, value)
        # keep the edit's version current and the chain as it was
        ForwardingContract.objects.filter(upstream=to_caritas_upstream).exclude(pk=to_caritas.pk).delete()
        to_caritas.refresh_from_db()


def test_a_place_names_the_municipality_organisation_that_administers_it(admin_client, chain_setup, carrier_a):
    """kim.Municipality is the place (Einsatzort, statistics); it may name its administration, the
    organisation of kind municipality that employs posts and receives money. Only that kind fits."""
    c = chain_setup
    place = f.MunicipalityFactory(name="Eschweiler", slug="eschweiler")
    url = reverse("masterdata:municipality_edit", args=[place.pk])
    data = {"name": "Eschweiler", "slug": "eschweiler", "official_key": "", "module2_area": "on", "is_active": "on"}
    response = admin_client.post(url, data | {"organisation": carrier_a.pk})
    assert "Bitte eine gültige Auswahl treffen" in errors_at(response, "organisation")  # a carrier is not offered
    assert admin_client.post(url, data | {"organisation": c.eschweiler.pk}).status_code == 302
    place.refresh_from_db()
    assert place.organisation == c.eschweiler and c.eschweiler.municipality == place
    html = admin_client.get(reverse("masterdata:municipality_detail", args=[place.pk])).content.decode()
    assert "Stadt Eschweiler" in html


def test_the_service_refuses_a_non_municipality_as_a_places_organisation(carrier_a):
    from django.core.exceptions import ValidationError

    from kim.services import municipality_save

    place = f.MunicipalityFactory(name="Eschweiler", slug="eschweiler")
    with pytest.raises(ValidationError) as excinfo:
        municipality_save(municipality=place, data={"organisation": carrier_a})
    assert excinfo.value.message_dict["organisation"] == [
        "Nur eine Organisation der Art „kreisangehörige Stadt / Gemeinde“ passt hierher."
    ]


def test_a_lower_rate_cannot_leave_a_recipient_having_passed_on_more_than_it_gets(chain):
    """Rate 55.000 → 49.000 €: the body's contract for Caritas' post would be 49.000 €, but Eschweiler
    already passed 50.000 € of it on. At 50.000 € that contract fits, but the one for Diakonie's post
    (55.000 € passed on) does not. Both changes are refused and nothing changes."""
    from django.core.exceptions import ValidationError

    from funding.models import Rate
    from funding.services import rate_save

    cases = [
        (D("49000"), "CM Caritas", "50.000,00", "49.000,00"),
        (D("50000"), "CM Diakonie", "55.000,00", "50.000,00"),
    ]
    for new_rate, post, onward_amount, contract_amount in cases:
        rate = Rate.objects.get(year=2021, category=PostCategory.CASE_MANAGEMENT)
        with pytest.raises(ValidationError) as excinfo:
            rate_save(rate=rate, data={"amount_per_fte": new_rate})
        assert excinfo.value.message_dict["amount_per_fte"] == [
            f"Stadt Eschweiler hat aus dem Vertrag „Stadt Eschweiler – {post} 2021“ bereits {onward_amount}{EURO} "
            f"weitergeleitet; der Betrag ({contract_amount}{EURO}) kann nicht darunter liegen."
        ]
    assert Rate.objects.get(year=2021, category=PostCategory.CASE_MANAGEMENT).amount_per_fte == D("55000")
    assert sorted(ForwardingContract.objects.values_list("level", "amount")) == [
        (1, D("55000.00")),
        (1, D("55000.00")),
        (1, D("55000.00")),
        (2, D("50000.00")),
        (2, D("55000.00")),
        (3, D("20000.00")),
    ]


def test_cancelling_along_a_chain_goes_from_the_bottom_up(admin_client, chain, a46_user):
    """Storno and chains together: a contract its recipient passed on cannot be cancelled before the
    onward contracts; a cancelled onward contract frees its amount at the level above (the Diakonie may
    pass on 55.000 − 0 = 55.000 € again once its 20.000 € contract to Stolberg is cancelled); nothing is
    forwarded onward from a cancelled contract."""
    from django.core.exceptions import ValidationError

    from funding.services import forwarding_cancel

    c = chain
    to_diakonie = ForwardingContract.objects.get(post=c.diakonie_post, level=1)
    level2 = ForwardingContract.objects.get(upstream=to_diakonie)
    level3 = ForwardingContract.objects.get(upstream=level2)
    with pytest.raises(ValidationError, match="unter 1 eigenen Verträgen weitergeleitet"):
        forwarding_cancel(contract=level2, reason="Vertrag doppelt erfasst", version=level2.version, user=a46_user)
    assert selectors.forwarded_onward(contract=level2) == D("20000.00")
    forwarding_cancel(contract=level3, reason="Vertrag doppelt erfasst", version=level3.version, user=a46_user)
    assert selectors.forwarded_onward(contract=level2) == D("0.00")
    # the cap of level 3 is now the whole 55.000 € again: 55.000 € pass, 55.000,01 € would not
    assert onward(admin_client, level2, c.stolberg, "55.000,01", reference="WV-neu").status_code == 200
    assert onward(admin_client, level2, c.stolberg, "55.000,00", reference="WV-neu").status_code == 302
    new3 = ForwardingContract.objects.get(upstream=level2, cancelled_at=None)
    forwarding_cancel(contract=new3, reason="Vertrag doppelt erfasst", version=new3.version, user=a46_user)
    level2.refresh_from_db()
    forwarding_cancel(contract=level2, reason="Vertrag doppelt erfasst", version=level2.version, user=a46_user)
    before = ForwardingContract.objects.count()
    response = onward(admin_client, level2, c.stolberg, "1.000,00", reference="WV-aus-storniert")
    assert response.status_code == 200
    assert "storniert" in errors_at(response, "carrier")
    assert ForwardingContract.objects.count() == before
