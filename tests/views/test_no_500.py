"""Regressions of the security probe's 500s outside the committee app (issue 14, hole 7)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casemanagement.csv_format import parse_return_csv
from kim.exports import sheet_title
from kim.years import parse_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def a46_client(client, a46_user):
    client.force_login(a46_user)
    return client


def test_a_5000_digit_year_is_ignored_not_a_500(a46_client):
    # int() of more than 4.300 digits raises ValueError in Python ≥ 3.11.
    assert parse_year("9" * 5000) is None
    assert parse_year("２０２１") is None and parse_year("2021") == 2021
    response = a46_client.get("/", {"year": "9" * 5000})
    assert response.status_code == 200
    assert a46_client.get(reverse("casemanagement:statistics"), {"year": "2" * 5000}).status_code == 200


def test_the_review_queue_exports_as_xlsx_although_its_title_has_a_colon(a46_client):
    from openpyxl import load_workbook

    response = a46_client.get(reverse("casemanagement:review_queue"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title.startswith("Prüfung- eingereichte Meldunge")
    assert len(sheet.title) == 31


@pytest.mark.parametrize(
    ("title", "expected"),
    [("a:b/c\\d*e?f[g]h", "a-b-c-d-e-f-g-h"), ("", "Export"), ("x" * 40, "x" * 31), ("'Jahr'", "Jahr")],
)
def test_sheet_titles_are_made_valid_for_excel(title, expected):
    assert sheet_title(title) == expected


def test_a_csv_field_longer_than_the_csv_module_allows_is_a_german_error():
    content = ("Bereich;Merkmal;Anzahl\nRechtskreis;" + "x" * 140_000 + ";1\n").encode()
    with pytest.raises(ValidationError) as caught:
        parse_return_csv(content)
    assert caught.value.message_dict["file"] == [
        "Die Datei ist keine lesbare CSV-Datei (ein Feld ist zu lang oder enthält Steuerzeichen)."
    ]


def test_a_list_filter_with_an_id_beyond_any_stored_id_is_not_a_500(a46_client, carrier_a):
    response = a46_client.get(reverse("kim:carrier_list"), {"parent": "99999999999999999999"})
    assert response.status_code == 200
