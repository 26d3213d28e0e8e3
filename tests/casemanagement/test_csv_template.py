"""The CSV template of a return is formula-neutralised like the list exports, and still uploads."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casemanagement import services
from casemanagement.models import ReturnFigure
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_return_template_neutralises_formulas_and_its_edited_copy_uploads(
    client, carrier_a_user, carrier_a, post_a, make_case
):
    # A 46 names the municipalities; a name Excel would run as a formula must arrive as text
    hostile = f.MunicipalityFactory(name='=HYPERLINK("http://example.org/x","Ort")', slug="formel")
    make_case(date(2021, 3, 1), municipality=hostile)
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    client.force_login(carrier_a_user)
    response = client.get(reverse("casemanagement:return_csv", args=[r.public_id]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Kommune", '\'=HYPERLINK("http://example.org/x","Ort")', "1"] in rows
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)
    # the carrier uploads the template as downloaded: the neutralised label reads as the municipality
    upload = client.post(
        reverse("casemanagement:return_upload", args=[r.public_id]),
        {"file": SimpleUploadedFile("m.csv", response.content), "version": r.version},
        follow=True,
    )
    assert "CSV-Datei übernommen." in upload.content.decode()
    stored = ReturnFigure.objects.get(caseload_return=r, dimension="municipality", key="formel")
    assert stored.count == 1
