"""The dashboard's long lists (repayment risks, post timelines) are written in Python
(funding/templatetags/funding_rows.py): the same markup, escaping and translations as the template
loops they replaced (kept here as the reference), and the demo's risk line by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from funding.controlling.eligibility import repayment_risk_list
from funding.controlling.selectors import post_timelines, proofs_due_soon
from funding.models import GrantNotice
from modules.models import Post

pytestmark = pytest.mark.django_db

RISK_LOOP = """{% load i18n kim %}{% for r in repayment_risks %}
    <li>{% blocktranslate with prog=r.programmes|join:", " post=r.post.title received=r.received|euro eligible=r.eligible|euro diff=r.difference|euro causes=r.cause_labels|join:"; " %}{{ prog }}: „{{ post }}“ – {{ received }} erhalten, förderfähig anteilig {{ eligible }}, Differenz {{ diff }}; Ursache: {{ causes }}{% endblocktranslate %}{% if "late_start" in r.causes %}{% blocktranslate with start=r.post.start|datum %}; die Stelle beginnt erst am {{ start }}{% endblocktranslate %}{% endif %}.</li>
  {% endfor %}"""

TIMELINE_LOOP = """{% load i18n kim %}{% for t in rows %}<tr>
    <th scope="row"><a href="{{ t.post.get_absolute_url }}">{{ t.post.title }}</a></th>
    <td>{{ t.post.employer }}</td>
    <td>{{ t.funding_end|datum|default:"–" }}{% if t.funding_horizon %} <span class="badge warn">{% blocktranslate count n=t.funding_horizon %}endet binnen {{ n }} Monat{% plural %}endet binnen {{ n }} Monaten{% endblocktranslate %}</span>{% endif %}</td>
    <td>{{ t.contract_end|datum|default:"unbefristet" }}{% if t.contract_horizon %} <span class="badge warn">{% blocktranslate count n=t.contract_horizon %}endet binnen {{ n }} Monat{% plural %}endet binnen {{ n }} Monaten{% endblocktranslate %}</span>{% endif %}</td>
    <td>{% if t.funding_end is None %}{% translate "keine Förderung zugeordnet" %}{% elif t.gap_days > 0 %}{% blocktranslate with n=t.gap_days %}Vertrag läuft {{ n }} Tage über die Förderung hinaus{% endblocktranslate %}{% elif t.contract_end is None %}{% translate "unbefristeter Vertrag, befristete Förderung" %}{% endif %}</td>
  </tr>{% endfor %}"""


@pytest.fixture(autouse=True)
def markup_in_a_title(demo):
    """On the module's shared demo: markup in a title must come out escaped (rolled back with the test).
    Not a fixture named ``demo``: overriding it would load the demo inside the test's transaction."""
    Post.objects.filter(module__number=3).update(title='Koordination <b>"M3"</b> & Co')


def _tag(name: str, arg: str, value) -> str:
    return engines["django"].from_string(f"{{% load funding_rows %}}{{% {name} {arg} %}}").render({arg: value})


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_risk_items_are_the_template_loops_markup(demo, language):
    with translation.override(language):
        risks = repayment_risk_list(year=2020)
        assert risks
        reference = engines["django"].from_string(RISK_LOOP).render({"repayment_risks": risks})
        assert _tag("risk_items", "repayment_risks", risks) == reference


def test_the_demo_risk_line_by_hand(demo):
    [risk] = [r for r in repayment_risk_list(year=2020) if r.post.module.number == 3]
    html = _tag("risk_items", "repayment_risks", [risk])
    # 55.000,00 received for the year, eligible 3/12 (October–December) = 13.750,00, difference 41.250,00
    assert "„Koordination &lt;b&gt;&quot;M3&quot;&lt;/b&gt; &amp; Co“ – 55.000,00\xa0€ erhalten" in html
    assert "förderfähig anteilig 13.750,00\xa0€, Differenz 41.250,00\xa0€; Ursache: später Beginn der Stelle" in html
    assert "; die Stelle beginnt erst am 01.10.2020.</li>" in html


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_timeline_rows_are_the_template_loops_markup(demo, language):
    with translation.override(language):
        for today in (date(2020, 11, 1), date(2021, 6, 1), date(2022, 12, 1)):
            rows = post_timelines(today=today)
            assert rows
            reference = engines["django"].from_string(TIMELINE_LOOP).render({"rows": rows})
            assert _tag("timeline_rows", "rows", rows) == reference
        empty = render_to_string("funding/controlling/_timeline_table.html", {"rows": []})
        assert '<tr><td colspan="5">' in empty


PROOF_LOOP = """{% load i18n kim %}{% for p in proofs_due %}
    <li>{% if p.days_left < 0 %}<strong>{% translate "überfällig" %}</strong>: {% endif %}{% blocktranslate with s=p.subject d=p.due_on|datum st=p.get_status_display %}Verwendungsnachweis {{ s }} – fällig am {{ d }} ({{ st }}){% endblocktranslate %}{% if p.days_left >= 0 %}, {% blocktranslate count n=p.days_left %}noch {{ n }} Tag{% plural %}noch {{ n }} Tage{% endblocktranslate %}{% endif %} – <a href="{{ p.get_absolute_url }}">{% translate "öffnen" %}</a></li>
  {% endfor %}"""


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_proof_items_are_the_template_loops_markup(demo, language):
    # markup in a subject must come out escaped: the notice's reference is part of its name
    for pk in GrantNotice.objects.values_list("pk", flat=True):
        GrantNotice.objects.filter(pk=pk).update(reference=f'AZ <b>"{pk}"</b> & Co')
    days_left = set()
    with translation.override(language):
        due = min(p.due_on for p in proofs_due_soon(today=date(2030, 1, 1)))
        for today in (due - timedelta(days=2), due - timedelta(days=1), due, due + timedelta(days=10)):
            proofs = proofs_due_soon(today=today)
            days_left |= {p.days_left for p in proofs}
            reference = engines["django"].from_string(PROOF_LOOP).render({"proofs_due": proofs})
            assert _tag("proof_items", "proofs_due", proofs) == reference
    assert any(n < 0 for n in days_left) and any(n >= 0 for n in days_left), days_left  # both branches met
