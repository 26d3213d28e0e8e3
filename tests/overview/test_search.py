"""The search in the header (`/suche/?q=`): posts, organisations, notices, contracts and papers by name
or number, scoped by role; one query per kind whatever the number of hits; hostile input never a 500."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committee.models import Paper, PaperStatus
from overview.search import LIMIT
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("search")


def paper(number: str, title: str, *, public: bool = True, status: str = PaperStatus.RELEASED) -> Paper:
    department = f.DepartmentFactory()
    return Paper.objects.create(
        number=number,
        title=title,
        public=public,
        status=status,
        lead_department=department,
        date=date(2020, 6, 19),
        programme_year=2021,
        snapshot=None if status == PaperStatus.DRAFT else {"figures": {}, "tables": {}},
        released_at=None if status == PaperStatus.DRAFT else timezone.now(),
    )


def groups(response) -> dict[str, list[str]]:
    return {g.key: [h.label for h in g.hits] for g in response.context["groups"]}


def test_a46_finds_every_kind_by_name_or_number(client, a46_user, paper_2020_0354):
    paper("2020/0354", "Kommunales Integrationsmanagement: Umsetzung")
    client.force_login(a46_user)
    found = groups(client.get(URL, {"q": "2020/0354"}))
    assert found["papers"] == ["2020/0354 Kommunales Integrationsmanagement: Umsetzung"]
    found = groups(client.get(URL, {"q": "caritas"}))
    assert any("Caritasverband" in name for name in found["organisations"])
    assert found["contracts"] and all("Caritas" in c for c in found["contracts"])
    assert found["posts"]  # Caritas employs one case-management post
    grant = paper_2020_0354.grant
    found = groups(client.get(URL, {"q": grant.reference}))
    assert found["notices"] == [str(grant)]


def test_every_word_must_match(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    both = groups(client.get(URL, {"q": "Caritas 2021"}))["contracts"]
    assert len(both) == 1
    assert groups(client.get(URL, {"q": "Caritas 1999"}))["contracts"] == []


def test_carrier_staff_find_only_their_own_and_published_papers(client, carrier_a_user, paper_2020_0354):
    paper("2020/0354", "Integrationsmanagement öffentlich")
    paper("2020/0355", "Integrationsmanagement nichtöffentlich", public=False)
    paper("2020/0356", "Integrationsmanagement Entwurf", status=PaperStatus.DRAFT)
    client.force_login(carrier_a_user)
    response = client.get(URL, {"q": "Integrationsmanagement"})
    found = groups(response)
    assert found["papers"] == ["2020/0354 Integrationsmanagement öffentlich"]
    assert "notices" not in found  # carrier staff never see grant notices
    # a search for another carrier's name finds nothing and never shows it
    response = client.get(URL, {"q": "Diakonie"})
    assert not any(groups(response).values())
    assert "Diakonisches Werk" not in response.content.decode()
    # the search for "e. V." (every carrier) shows only the own organisation and its contract
    response = client.get(URL, {"q": "e. V."})
    found = groups(response)
    assert found["organisations"] == [paper_2020_0354.carriers[0].name]
    html = response.content.decode()
    for other in paper_2020_0354.carriers[1:]:
        assert other.name not in html and str(other) not in html
    own_contracts = [c for c in paper_2020_0354.forwardings if c.carrier_id == carrier_a_user.organisation_id]
    assert found["contracts"] == [str(c) for c in own_contracts]


def test_committee_staff_find_what_they_read(client, committee_user, paper_2020_0354):
    paper("2020/0356", "Integrationsmanagement Entwurf", status=PaperStatus.DRAFT)
    client.force_login(committee_user)
    found = groups(client.get(URL, {"q": "Integrationsmanagement"}))
    assert found["papers"] == ["2020/0356 Integrationsmanagement Entwurf"]
    assert groups(client.get(URL, {"q": paper_2020_0354.grant.reference}))["notices"]


def test_too_short_or_too_long_queries_are_explained_next_to_the_field(client, a46_user):
    client.force_login(a46_user)
    response = client.get(URL, {"q": "a"})
    html = response.content.decode()
    assert response.status_code == 200 and "Bitte mindestens 2 Zeichen eingeben." in html
    assert 'id="id_q_error"' in html and 'aria-invalid="true"' in html
    response = client.get(URL, {"q": "x" * 101})
    assert "Bitte höchstens 100 Zeichen eingeben (jetzt 101)." in response.content.decode()


HOSTILE = [
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "<script>alert(1)</script>",
    "２０２０／０３５４",
    "Träger ÄÖÜ ß 🙂",
    "\x00",
    "a\x00b",
    "x" * 5000,
    " " * 50,
    "\u202e\u200b",
    "2020/0354' ; DROP TABLE committee_paper; --",
]


@pytest.mark.parametrize("role", ["a46_user", "carrier_a_user", "committee_user"])
def test_hostile_queries_never_give_a_500_and_are_escaped(client, request, role, paper_2020_0354):
    client.force_login(request.getfixturevalue(role))
    for value in HOSTILE:
        response = client.get(URL, {"q": value})
        assert response.status_code == 200, value
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get(URL, {"q": ["a", "b"]}).status_code == 200
    # "%" and "_" are searched literally, not as SQL wildcards
    assert not any(groups(client.get(URL, {"q": "%%"})).values())


def test_anonymous_must_log_in(client):
    response = client.get(URL, {"q": "Caritas"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_hits_per_kind_are_bounded(client, a46_user):
    module = f.ModuleFactory(number=2)
    for i in range(LIMIT + 3):
        f.CarrierPostFactory(module=module, title=f"Case Management Nummer {i}")
    client.force_login(a46_user)
    group = next(g for g in client.get(URL, {"q": "Nummer"}).context["groups"] if g.key == "posts")
    assert len(group.hits) == LIMIT and group.more


def add_rows(first: int, n: int) -> None:
    module = f.ModuleFactory(number=2)
    for i in range(first, first + n):
        carrier = f.CarrierFactory(slug=f"suchtraeger-{i}", name=f"Suchträger {i}")
        f.CarrierPostFactory(module=module, employer=carrier, title=f"Suchstelle {i}")
        f.GrantNoticeFactory(reference=f"Such-AZ-{i}", period_start=date(2021, 1, 1), period_end=date(2021, 12, 31))
        paper(f"2021/{i + 1:04d}", f"Suchvorlage {i}")


def count_queries(client, query: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["a46_user", "carrier_a_user"])
def test_query_count_does_not_grow_with_the_hits(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    add_rows(0, 1)
    client.get(URL, {"q": "Such"})  # warm caches (session, body)
    one = count_queries(client, "Such")
    add_rows(1, 2)
    assert len(groups(client.get(URL, {"q": "Such"})).get("papers", [])) == 3
    three = count_queries(client, "Such")
    assert one == three
