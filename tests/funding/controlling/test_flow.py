"""Programme roll-up and the funding-flow diagram (server-side SVG)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from funding.controlling.charts import FlowLink, FlowNode, flow_link_rows, flow_svg
from funding.controlling.selectors import programme_flow
from funding.controlling.services import carrier_payment_save
from tests.funding.conftest import count_queries

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("funding:controlling_flow")


def test_the_2021_flow_of_module_2(paper_2020_0354):
    carrier_payment_save(
        contract=paper_2020_0354.forwardings[0],
        data={"due_on": date(2021, 1, 15), "amount": D("13750"), "paid_on": date(2021, 1, 15)},
    )

    flow = programme_flow(year=2021)

    assert flow.granted == {"KIM Modul 2": D("330000.00")}
    assert flow.forwarded_total == D("275000.00")  # 5 × 55.000
    assert flow.own_total == D("55000.00")  # 330.000 − 275.000 for the county's coordination post
    assert flow.paid_total == D("13750.00")
    assert ("Caritas", D("55000.00"), D("13750.00")) in flow.per_carrier()
    rows = flow_link_rows(flow)
    assert ("Land NRW", "KIM Modul 2", D("330000.00")) in rows
    assert ("KIM Modul 2", "eigene Stellen (Körperschaft)", D("55000.00")) in rows
    assert ("Weiterleitung an Träger", "Diakonie", D("55000.00")) in rows
    assert ("Caritas", "bereits gezahlt", D("13750.00")) in rows and (
        "Caritas",
        "noch nicht gezahlt",
        D("41250.00"),
    ) in rows


def test_the_svg_is_well_formed_and_labels_every_box_with_its_amount():
    nodes = [FlowNode("a", "Land NRW", D("100"), 0), FlowNode("b", "Modul <2> & Co", D("100"), 1)]
    svg = flow_svg(nodes, [FlowLink("a", "b", D("100"))], title="Test")
    root = ElementTree.fromstring(svg)
    texts = "".join(root.itertext())
    assert "Land NRW" in texts and "Modul <2> & Co" in texts and "100,00\u00a0€" in texts
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 2
    assert len(root.findall("{http://www.w3.org/2000/svg}path")) == 1


def test_bands_are_proportional_to_the_amounts():
    nodes = [FlowNode("s", "S", D("300"), 0), FlowNode("x", "X", D("200"), 1), FlowNode("y", "Y", D("100"), 1)]
    root = ElementTree.fromstring(
        flow_svg(nodes, [FlowLink("s", "x", D("200")), FlowLink("s", "y", D("100"))], title="T")
    )
    widths = [float(p.get("stroke-width")) for p in root.findall("{http://www.w3.org/2000/svg}path")]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)


def test_the_flow_page_shows_diagram_and_table(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    html = client.get(URL, {"year": 2021}).content.decode()
    assert (
        "<svg" in html
        and "Mittelfluss KIM 2021" in html
        and "275.000,00\u00a0€" in html
        and "330.000,00\u00a0€" in html
    )
    assert "2.021" not in html


def test_access_and_queries(client, a46_user, carrier_a_user, paper_2020_0354):
    assert client.get(URL).status_code == 302
    client.force_login(carrier_a_user)
    assert client.get(URL).status_code == 403
    client.force_login(a46_user)
    one = count_queries(client, URL, {"year": 2021})
    for contract in paper_2020_0354.forwardings[:3]:
        carrier_payment_save(
            contract=contract, data={"due_on": date(2021, 1, 15), "amount": D("100"), "paid_on": date(2021, 1, 15)}
        )
    assert count_queries(client, URL, {"year": 2021}) == one
