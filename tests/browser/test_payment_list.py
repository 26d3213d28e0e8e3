"""Issue 15: the list of instalments to the carriers (demo) at desktop and phone width, with its export
that re-imports unchanged; axe-core finds nothing serious."""

import re

from funding.imports import PaymentImport
from funding.models import CarrierPayment
from kim.imports import UNCHANGED, run_import
from kim.models import User


def test_a46_reads_the_payment_list_and_exports_it(journey, demo):
    j = journey
    assert CarrierPayment.objects.filter(contract__year=2021).exists()
    j.login("a46")
    j.page.set_viewport_size({"width": 1366, "height": 900})
    j.go("/finanzen/zahlungen/liste/?year=2021")
    main = j.page.locator("main")
    assert "Abschläge an die Träger" in main.locator("h1").inner_text()
    assert main.locator("tbody tr").count() > 0
    j.check_a11y("Abschlaege 1366 px")
    with j.page.expect_download() as download:
        main.get_by_role("link", name="Excel (XLSX)").click()
    assert re.match(r"abschläge-an-die-träger-.*\.xlsx", download.value.suggested_filename)
    content = open(download.value.path(), "rb").read()
    result = run_import(PaymentImport(), content, user=User.objects.get(username="a46"), commit=False)
    assert result.errors == [] and result.rows
    assert {r.status for r in result.rows} == {UNCHANGED}
    j.page.set_viewport_size({"width": 390, "height": 844})
    j.go("/finanzen/zahlungen/liste/?year=2021")
    j.check_a11y("Abschlaege 390 px")
