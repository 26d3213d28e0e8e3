"""OParl 1.1 (https://schema.oparl.org/1.1/): object types with the properties and JSON types the
specification lists, list pagination with filters kept in the links, timestamps, CORS, deleted objects,
and nothing that is not public."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from committee import services
from committee.models import AgendaItem, Committee, CommitteeKind, Meeting, Paper
from kim.models import Body, BodyKind
from tests.committee.conftest import make_paper

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.oparl.org/1.1/"
# RFC 3339 with offset, no fractions of a second
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://")

# Properties and types per OParl 1.1 (required ones marked "zwingend" in the specification first).
SPEC = {
    "System": {"id": "url", "type": "str", "oparlVersion": "str", "body": "url", "name": "str"},
    "Body": {
        "id": "url",
        "type": "str",
        "system": "url",
        "name": "str",
        "shortName": "str",
        "organization": "url",
        "person": "url",
        "meeting": "url",
        "paper": "url",
        "legislativeTerm": "list",
        "agendaItem": "url",
        "consultation": "url",
        "file": "url",
        "legislativeTermList": "url",
        "classification": "str",
        "deleted": "bool",
    },
    "Organization": {
        "id": "url",
        "type": "str",
        "body": "url",
        "name": "str",
        "shortName": "str",
        "organizationType": "str",
        "classification": "str",
        "meeting": "url",
        "created": "ts",
        "modified": "ts",
        "deleted": "bool",
    },
    "Meeting": {
        "id": "url",
        "type": "str",
        "name": "str",
        "meetingState": "str",
        "cancelled": "bool",
        "start": "ts",
        "organization": "urls",
        "agendaItem": "list",
        "location": "dict",
        "created": "ts",
        "modified": "ts",
        "deleted": "bool",
    },
    "AgendaItem": {
        "id": "url",
        "type": "str",
        "meeting": "url",
        "number": "str",
        "order": "int",
        "name": "str",
        "public": "bool",
        "created": "ts",
        "modified": "ts",
        "deleted": "bool",
    },
    "Paper": {
        "id": "url",
        "type": "str",
        "body": "url",
        "name": "str",
        "reference": "str",
        "date": "date",
        "paperType": "str",
        "relatedPaper": "urls",
        "mainFile": "dict",
        "auxiliaryFile": "list",
        "consultation": "list",
        "created": "ts",
        "modified": "ts",
        "deleted": "bool",
    },
    "Consultation": {
        "id": "url",
        "type": "str",
        "paper": "url",
        "meeting": "url",
        "organization": "urls",
        "authoritative": "bool",
        "role": "str",
        "created": "ts",
        "modified": "ts",
        "deleted": "bool",
    },
    "File": {
        "id": "url",
        "type": "str",
        "name": "str",
        "fileName": "str",
        "mimeType": "str",
        "date": "date",
        "accessUrl": "url",
        "downloadUrl": "url",
        "paper": "urls",
        "created": "ts",
        "modified": "ts",
        "deleted": "bool",
    },
}


def check(obj: dict, kind: str) -> None:
    assert obj["type"] == SCHEMA + kind
    for name, expected in SPEC[kind].items():
        assert name in obj, f"{kind}.{name} fehlt"
        value = obj[name]
        if expected == "url":
            assert isinstance(value, str) and URL.match(value), (kind, name, value)
        elif expected == "urls":
            assert isinstance(value, list) and all(isinstance(v, str) and URL.match(v) for v in value), (kind, name)
        elif expected == "str":
            assert isinstance(value, str) and value, (kind, name)
        elif expected == "bool":
            assert isinstance(value, bool), (kind, name)
        elif expected == "int":
            assert isinstance(value, int) and not isinstance(value, bool), (kind, name)
        elif expected == "list":
            assert isinstance(value, list), (kind, name)
        elif expected == "dict":
            assert isinstance(value, dict), (kind, name)
        elif expected == "ts":
            assert isinstance(value, str) and TIMESTAMP.match(value), (kind, name, value)
        elif expected == "date":
            assert isinstance(value, str) and DATE.match(value), (kind, name, value)


@pytest.fixture
def published(released_paper, meeting_0617, meeting_0619, hidden):
    services.agenda_item_save(
        meeting=meeting_0619, data={"order": 1, "number": "3", "title": "KIM", "paper": released_paper}
    )
    services.agenda_item_save(
        meeting=meeting_0619, data={"order": 2, "number": "9", "title": "Personalangelegenheiten", "public": False}
    )
    services.consultation_record_result(
        consultation=released_paper.consultations.get(order=2), data={"result": "ungeaendert"}
    )
    return released_paper


@pytest.fixture
def hidden(paper_money, a46_department, main_committee):
    draft = make_paper(department=a46_department, number="2020/0700", title="Entwurf geheim")
    secret = make_paper(department=a46_department, number="2020/0701", title="Nichtöffentlich geheim", public=False)
    services.paper_release(paper=secret)
    closed = Meeting.objects.create(
        committee=main_committee, date=timezone.localdate() - timedelta(days=3), public=False
    )
    return {"draft": draft, "secret": secret, "closed_meeting": closed}


def get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_the_system_object_is_at_the_root_and_leads_to_every_object_type(client, published):
    system = get(client, "/oparl/v1.1/")
    check(system, "System")
    assert system["oparlVersion"] == SCHEMA
    assert system["id"] == "http://testserver/oparl/v1.1/"
    bodies = get(client, system["body"])
    assert bodies["pagination"]["totalElements"] == 1
    body = bodies["data"][0]
    check(body, "Body")
    assert body["name"] == "StädteRegion Aachen"
    assert get(client, body["id"]) == body

    organizations = get(client, body["organization"])["data"]
    for org in organizations:
        check(org, "Organization")
    assert sorted(o["name"] for o in organizations) == [
        "Ausschuss für Soziales, Gesundheit, Senioren und demographischen Wandel",
        "Städteregionsausschuss",
    ]

    meetings = get(client, body["meeting"])["data"]
    assert len(meetings) == 2  # the non-public meeting is not published
    for meeting in meetings:
        check(meeting, "Meeting")
        for item in meeting["agendaItem"]:
            check(item, "AgendaItem")
    decisive = next(m for m in meetings if m["start"] == "2020-06-19T15:00:00+02:00")
    assert [i["name"] for i in decisive["agendaItem"]] == ["KIM"]  # the non-public item stays out
    assert decisive["agendaItem"][0]["result"] == "ungeändert beschlossen"

    papers = get(client, body["paper"])["data"]
    assert [p["reference"] for p in papers] == ["2020/0354"]
    paper = papers[0]
    check(paper, "Paper")
    check(paper["mainFile"], "File")
    for consultation in paper["consultation"]:
        check(consultation, "Consultation")
    assert [(c["role"], c["authoritative"]) for c in paper["consultation"]] == [
        ("Vorberatung", False),
        ("Entscheidung", True),
    ]
    assert get(client, paper["id"])["reference"] == "2020/0354"

    for item in get(client, body["agendaItem"])["data"]:
        check(item, "AgendaItem")
    for consultation in get(client, body["consultation"])["data"]:
        check(consultation, "Consultation")
    assert get(client, body["person"])["data"] == []


def test_the_main_file_of_a_paper_downloads_the_pdf(client, published):
    paper = get(client, f"/oparl/v1.1/paper/{published.pk}/")
    response = client.get(paper["mainFile"]["accessUrl"])
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-1.7")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_non_public_and_unreleased_papers_never_appear_in_oparl(client, published, hidden):
    text = client.get(f"/oparl/v1.1/body/{published.lead_department.parent_id}/paper/").content.decode()
    assert "geheim" not in text and "2020/0700" not in text and "2020/0701" not in text
    for paper in (hidden["draft"], hidden["secret"]):
        assert client.get(f"/oparl/v1.1/paper/{paper.pk}/").status_code == 404
        assert client.get(f"/oparl/v1.1/file/p{paper.pk}/").status_code == 404
        assert client.get(f"/oparl/v1.1/file/p{paper.pk}/download/").status_code == 404
    assert client.get(f"/oparl/v1.1/meeting/{hidden['closed_meeting'].pk}/").status_code == 404
    closed_item = AgendaItem.objects.get(title="Personalangelegenheiten")
    assert client.get(f"/oparl/v1.1/agendaItem/{closed_item.pk}/").status_code == 404


def test_a_withdrawn_paper_is_reported_as_deleted(client, published):
    Paper.objects.filter(pk=published.pk).update(deleted=True, modified=timezone.now())
    data = get(client, f"/oparl/v1.1/paper/{published.pk}/")
    assert data["deleted"] is True
    assert set(data) == {"id", "type", "deleted", "created", "modified"}
    assert TIMESTAMP.match(data["modified"])
    listed = get(client, f"/oparl/v1.1/body/{published.lead_department.parent_id}/paper/")["data"]
    assert [p["deleted"] for p in listed] == [True]


def test_lists_are_paginated_with_next_links_that_keep_the_filters(client, county):
    for number in range(45):
        Committee.objects.create(body=county, slug=f"g{number}", name=f"Gremium {number:02d}")
    since = "2020-01-01T00:00:00+01:00"
    first = get(client, f"/oparl/v1.1/body/{county.pk}/organization/?modified_since={since.replace('+', '%2B')}")
    assert first["pagination"] == {"totalElements": 45, "elementsPerPage": 20, "currentPage": 1, "totalPages": 3}
    assert len(first["data"]) == 20
    assert "modified_since=2020-01-01T00%3A00%3A00%2B01%3A00" in first["links"]["next"]
    assert "page=2" in first["links"]["next"]
    last = get(client, get(client, first["links"]["next"])["links"]["next"])
    assert len(last["data"]) == 5 and "next" not in last["links"]
    assert last["pagination"]["currentPage"] == 3


def test_created_and_modified_filters_select_by_time(client, county):
    old = Committee.objects.create(body=county, slug="alt", name="Altes Gremium")
    Committee.objects.filter(pk=old.pk).update(
        created=timezone.now() - timedelta(days=400), modified=timezone.now() - timedelta(days=400)
    )
    Committee.objects.create(body=county, slug="neu", name="Neues Gremium")
    cutoff = (timezone.now() - timedelta(days=30)).replace(microsecond=0).isoformat().replace("+", "%2B")
    names = lambda url: [o["name"] for o in get(client, url)["data"]]  # noqa: E731
    assert names(f"/oparl/v1.1/body/{county.pk}/organization/?modified_since={cutoff}") == ["Neues Gremium"]
    assert names(f"/oparl/v1.1/body/{county.pk}/organization/?created_until={cutoff}") == ["Altes Gremium"]


def test_a_malformed_filter_gets_a_400_with_a_german_message(client, county):
    Committee.objects.create(body=county, slug="x", name="X")
    response = client.get(f"/oparl/v1.1/body/{county.pk}/organization/?modified_since=gestern")
    assert response.status_code == 400
    assert response.json()["error"].startswith("Ungültiger Zeitpunkt für modified_since")


@pytest.mark.parametrize("name", ["created_since", "created_until", "modified_since", "modified_until"])
def test_the_body_list_accepts_every_date_filter_and_keeps_it_in_the_links(client, county, name):
    # Regression: bodies carry no timestamps; filtering them raised a FieldError (500).
    Committee.objects.create(body=county, slug="x", name="X")
    response = client.get("/oparl/v1.1/body/", {name: "2020-06-19T00:00:00+02:00"})
    assert response.status_code == 200
    data = response.json()
    assert [b["id"].rsplit("/", 2)[-2] for b in data["data"]] == [str(county.pk)]
    assert f"{name}=2020-06-19T00%3A00%3A00%2B02%3A00" in data["links"]["self"]
    assert client.get("/oparl/v1.1/body/", {name: "gestern"}).status_code == 400


@pytest.mark.parametrize(
    "value, status",
    [
        # No UTC value: year 0 or year 10000 once converted (the database compares in UTC).
        ("0001-01-01T00:00:00+14:00", 400),
        ("9999-12-31T23:59:59-14:00", 400),
        # Without an offset the time is Berlin's, which in year 1 is local mean time +00:53:28: year 0 in UTC.
        ("0001-01-01T00:00:00", 400),
        # Berlin +01:00 in winter: 9999-12-31T22:59:59 UTC exists; nothing was modified since.
        ("9999-12-31T23:59:59", 200),
    ],
)
def test_extreme_dates_in_filters_are_a_400_or_an_answer_never_a_500(client, county, value, status):
    # Regression: 0001-01-01 with a positive offset has no UTC value (OverflowError on SQLite).
    Committee.objects.create(body=county, slug="x", name="X")
    response = client.get(f"/oparl/v1.1/body/{county.pk}/organization/", {"modified_since": value})
    assert response.status_code == status
    if status == 400:
        assert response.json()["error"].startswith("Ungültiger Zeitpunkt für modified_since")
    else:
        assert response.json()["data"] == []


def test_oparl_needs_no_login(client, published):
    assert client.get("/oparl/v1.1/").status_code == 200


def test_consultations_and_agenda_items_point_at_each_other_in_lists_and_details(client, published, hidden):
    """The decisive consultation of 2020/0354 (19 June 2020) and the public agenda item "KIM" of that
    meeting link to each other wherever they appear – the indexes behind the links are read for the
    objects of the page only, never for all of them."""
    body = get(client, "/oparl/v1.1/")["body"]
    body = get(client, body)["data"][0]
    meeting = next(m for m in get(client, body["meeting"])["data"] if m["start"] == "2020-06-19T15:00:00+02:00")
    item = meeting["agendaItem"][0]
    paper = get(client, body["paper"])["data"][0]
    decisive = next(c for c in paper["consultation"] if c["authoritative"])
    assert decisive["agendaItem"] == item["id"] and item["consultation"] == decisive["id"]
    assert decisive["meeting"] == meeting["id"]
    # the same links in every other place the two objects are served
    assert next(c for c in get(client, paper["id"])["consultation"] if c["authoritative"])["agendaItem"] == item["id"]
    assert get(client, decisive["id"])["agendaItem"] == item["id"]
    assert (
        next(c for c in get(client, body["consultation"])["data"] if c["id"] == decisive["id"])["agendaItem"]
        == item["id"]
    )
    assert get(client, item["id"])["consultation"] == decisive["id"]
    assert (
        next(i for i in get(client, body["agendaItem"])["data"] if i["id"] == item["id"])["consultation"]
        == decisive["id"]
    )
    assert get(client, meeting["id"])["agendaItem"][0]["consultation"] == decisive["id"]
    # the preliminary consultation's meeting is not on this agenda: no link from it
    preliminary = next(c for c in paper["consultation"] if not c["authoritative"])
    assert preliminary.get("agendaItem") != item["id"]


@pytest.mark.parametrize(
    ("body_kind", "expected"),
    [
        (
            BodyKind.COUNTY,
            {"Sozialausschuss": "Ausschuss", "KA": "Kreisausschuss", "KT": "Kreistag", "IR": "Integrationsrat"},
        ),
        (BodyKind.CITY, {"Sozialausschuss": "Ausschuss", "KA": "Hauptausschuss", "KT": "Rat", "IR": "Integrationsrat"}),
        (
            BodyKind.STAEDTEREGION,
            {
                "Sozialausschuss": "Ausschuss",
                "KA": "Städteregionsausschuss",
                "KT": "Städteregionstag",
                "IR": "Integrationsrat",
            },
        ),
    ],
)
def test_an_organization_publishes_the_committee_kind_as_its_classification(client, county, body_kind, expected):
    """OParl 1.1 Organization: organizationType "Gremium", classification the kind as precisely as the
    body names it (a city's main committee is its Hauptausschuss, its council the Rat)."""
    Body.objects.create(name=county.name, short_name="Beispiel", kind=body_kind, organisation=county)
    for short, kind in (
        ("Sozialausschuss", CommitteeKind.COMMITTEE),
        ("KA", CommitteeKind.MAIN_COMMITTEE),
        ("KT", CommitteeKind.COUNCIL),
        ("IR", CommitteeKind.INTEGRATION_COUNCIL),
    ):
        Committee.objects.create(body=county, slug=short.lower(), name=f"Gremium {short}", short_name=short, kind=kind)
    organizations = get(client, f"/oparl/v1.1/body/{county.pk}/organization/")["data"]
    for org in organizations:
        check(org, "Organization")
    assert {o["shortName"]: o["classification"] for o in organizations} == expected
    assert {o["organizationType"] for o in organizations} == {"Gremium"}
    detail = get(client, organizations[0]["id"])
    assert detail["classification"] == expected[detail["shortName"]]
