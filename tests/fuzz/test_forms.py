"""Property-based fuzzing of every create/edit form found in the URL configuration.

Every URL whose view has a ``form_class`` (ServiceFormView and the other FormView-like views) is posted
random and hostile values, field by field, mixed with the values the form shows (so single hostile
fields inside otherwise valid forms reach the services and the database). Properties:

* never a server error (the test client re-raises any exception, so a 500 fails the test);
* an answer that is not a redirect (the form again, with errors) saved nothing: the row counts of all
  domain models and their history tables are unchanged;
* hostile HTML is escaped wherever it is echoed (the raw ``<script>alert(1)</script>`` never appears).

A new form URL without an entry in ``OBJECTS`` (when it needs URL arguments) fails ``test_every_form_url_is_fuzzed``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django import forms
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import changed, fingerprint

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    "1e309",
    "-1e309",
    "9" * 40,
    "-" + "9" * 40,
    "-1",
    "-0,01",
    "0",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "１２",
    "٢",
    "١٢٫٥",
    "\x00",
    "a\x00b",
    SCRIPT,
    f'"><img src=x onerror=alert(1)>{SCRIPT}',
    "'; DROP TABLE x; --",
    "1 OR 1=1",
    "",
    " ",
    "abc",
    "31.02.2021",
    "29.02.2021",
    "00.00.0000",
    "2021-02-31",
    "1999",
    "2101",
    "1.1.1900",
    "31.12.9999",
    "01.01.0001",
    "-2021",
    "1.000.000.000.000,00",
    "12,5",
    "1,2,3",
    "0,0000001",
    "x" * 5000,
    "🙂" * 300,
    "\u202e",
    "None",
    "[]",
    "true",
    "%s%s%n",
    "../../etc/passwd",
]
PLAIN = ["1", "2", "2021", "2022", "01.01.2021", "31.12.2021", "1.000,00", "55000", "0,5", "1,0", "Text"]
SCRIPT_IN_EVERY_TEXT = True


def _hostile() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
        st.sampled_from(PLAIN),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
    )


# --- which forms, as whom, with which objects -------------------------------------------------------


def login_for(view_class) -> str:
    from kim.models import Role

    """Who may write through the view: committee staff where they may (consultations, meetings), else A 46,
    else carrier A (Caritas) for its own case register."""
    writers = getattr(view_class, "allowed_write_roles", None)
    if writers is None:
        writers = {Role.ADMIN} if getattr(view_class, "edit", False) else view_class.allowed_roles
    if "committee" in writers:
        return "sitzungsdienst"
    if Role.ADMIN in writers:
        return "a46"
    assert "carrier" in writers, view_class
    return "traeger-caritas"


def _first(model_path: str, **filters):
    from django.apps import apps

    obj = apps.get_model(model_path).objects.filter(**filters).order_by("pk").first()
    assert obj is not None, f"the demo has no {model_path} {filters}"
    return obj


def _case(open_: bool):
    return _first("casemanagement.Case", carrier__slug="caritas", closed_on__isnull=open_)


def _referral():
    return _first("casemanagement.Referral", case__carrier__slug="caritas")


def _draft_paper():
    """A draft copy of the demo's released paper 2020/0354 (released papers cannot be edited)."""
    from committee.models import Paper, PaperStatus

    draft = Paper.objects.filter(deleted=False, status=PaperStatus.DRAFT).order_by("pk").first()
    if draft is not None:
        return draft
    released = Paper.objects.filter(deleted=False).order_by("pk").first()
    sections, items = list(released.sections.all()), list(released.decision_items.all())
    related = list(released.related.all()) if hasattr(released, "related") else []
    draft = Paper.objects.get(pk=released.pk)
    draft.pk = draft.id = None
    draft.number, draft.status, draft.released_at = "2021/0999", PaperStatus.DRAFT, None
    draft.save()
    for child in [*sections, *items]:
        child.pk = child.id = None
        child.paper = draft
        child.save()
    if related:
        draft.related.set(related)
    return draft


OBJECTS: dict[str, Callable[[], dict[str, Any]]] = {
    "modules:post_edit": lambda: {"pk": _first("modules.Post").pk},
    "modules:occupancy_create": lambda: {"pk": _first("modules.Post").pk},
    "modules:occupancy_edit": lambda: (lambda o: {"pk": o.post_id, "occupancy_pk": o.pk})(_first("modules.Occupancy")),
    "modules:personnelcost_create": lambda: {"pk": _first("modules.Post").pk},
    "kim:carrier_edit": lambda: {"slug": "caritas"},
    "masterdata:organisation_edit": lambda: {"pk": _first("kim.Organisation", slug="caritas").pk},
    "masterdata:municipality_edit": lambda: {"pk": _first("kim.Municipality").pk},
    "funding:grant_edit": lambda: {"pk": _first("funding.GrantNotice").pk},
    "funding:allocation_create": lambda: {"pk": _first("funding.GrantNotice").pk},
    "funding:allocation_edit": lambda: (lambda a: {"pk": a.grant_id, "allocation_pk": a.pk})(
        _first("funding.GrantAllocation")
    ),
    "funding:forwarding_edit": lambda: {"pk": _first("funding.ForwardingContract").pk},
    "funding:forwarding_onward_create": lambda: {"pk": _first("funding.ForwardingContract").pk},
    "funding:costplan_edit": lambda: {"pk": _first("funding.CostPlan").pk},
    "funding:request_edit": lambda: {"pk": _first("funding.OwnShareRequest").pk},
    "funding:budget_edit": lambda: {"pk": _first("funding.BudgetLine").pk},
    "funding:rate_edit": lambda: {"pk": _first("funding.Rate").pk},
    "funding:programme_edit": lambda: {"pk": _first("funding.Programme").pk},
    "funding:controlling_receipt_create": lambda: {"pk": _first("funding.GrantNotice").pk},
    "funding:controlling_payment_create": lambda: {"pk": _first("funding.ForwardingContract").pk},
    "funding:controlling_payment_edit": lambda: (lambda p: {"pk": p.contract_id, "payment_pk": p.pk})(
        _first("funding.CarrierPayment")
    ),
    "funding:proof_create_contract": lambda: {"pk": _first("funding.ForwardingContract").pk},
    "funding:proof_create_grant": lambda: {"pk": _first("funding.GrantNotice").pk},
    "funding:topup_edit": lambda: {"pk": _first("funding.OwnShareTopUp").pk},
    "casemanagement:case_edit": lambda: {"public_id": _case(open_=True).public_id},
    "casemanagement:contact_create": lambda: {"public_id": _case(open_=True).public_id},
    "casemanagement:referral_create": lambda: {"public_id": _case(open_=True).public_id},
    "casemanagement:referral_edit": lambda: (lambda r: {"public_id": r.case.public_id, "pk": r.pk})(_referral()),
    "casemanagement:referral_delete": lambda: (lambda r: {"public_id": r.case.public_id, "pk": r.pk})(_referral()),
    "casemanagement:contact_edit": lambda: (lambda c: {"public_id": c.case.public_id, "pk": c.pk})(
        _first("casemanagement.Contact", case__carrier__slug="caritas")
    ),
    "casemanagement:contact_delete": lambda: (lambda c: {"public_id": c.case.public_id, "pk": c.pk})(
        _first("casemanagement.Contact", case__carrier__slug="caritas")
    ),
    "casemanagement:case_close": lambda: {"public_id": _case(open_=True).public_id},
    "casemanagement:case_reopen": lambda: {"public_id": _case(open_=False).public_id},
    "casemanagement:indicator_edit": lambda: {"pk": _first("casemanagement.IndicatorReport").pk},
    "committee:paper_edit": lambda: {"pk": _draft_paper().pk},
    "committee:decision_create": lambda: {"pk": _draft_paper().pk},
    "committee:decision_edit": lambda: (lambda p: {"pk": p.pk, "item_pk": p.decision_items.first().pk})(_draft_paper()),
    "committee:section_create": lambda: {"pk": _draft_paper().pk},
    "committee:section_edit": lambda: (lambda p: {"pk": p.pk, "section_pk": p.sections.first().pk})(_draft_paper()),
    "committee:attachment_create": lambda: {"pk": _draft_paper().pk},
    "committee:consultation_create": lambda: {"pk": _draft_paper().pk},
    "committee:consultation_result": lambda: {"pk": _first("committee.Consultation").pk},
    "committee:meeting_edit": lambda: {"pk": _first("committee.Meeting").pk},
    "committee:agenda_create": lambda: {"pk": _first("committee.Meeting").pk},
    "committee:committee_edit": lambda: {"pk": _first("committee.Committee").pk},
    "modules:costrate_edit": lambda: {"pk": _first("modules.CostRate").pk},
}


def form_urls() -> list[tuple[str, URLPattern]]:
    """Every URL pattern of the application (not the admin, not the login) whose view renders a form."""
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace not in ("admin", "oparl"):
                    walk(p.url_patterns, p.namespace or namespace)
                continue
            view_class = getattr(p.callback, "view_class", None)
            if namespace and view_class is not None and getattr(view_class, "form_class", None) is not None:
                found.append((f"{namespace}:{p.name}", p))

    walk(get_resolver().url_patterns, "")
    return found


FORM_URLS = [name for name, _pattern in form_urls()]
VIEWS = {name: pattern.callback.view_class for name, pattern in form_urls()}


def test_every_form_url_is_fuzzed():
    """A new form URL that needs arguments must say which demo object it is fuzzed on."""
    missing = [name for name, pattern in form_urls() if pattern.pattern.converters and name not in OBJECTS]
    assert missing == []
    assert len(FORM_URLS) >= 50


# --- values ------------------------------------------------------------------------------------------


def shown_value(bound: forms.BoundField) -> Any:
    """The value as the browser would send it back unchanged."""
    field = bound.field
    value = bound.value()
    if isinstance(field.widget, forms.CheckboxInput):
        return "on" if value else None
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return [str(field.prepare_value(v) if not hasattr(v, "pk") else v.pk) for v in (value or [])]
    value = field.widget.format_value(field.prepare_value(value))
    if isinstance(value, list):  # a select shows its one value as a list
        value = value[0] if value else ""
    return "" if value is None else value


def field_strategy(bound: forms.BoundField) -> st.SearchStrategy:
    field = bound.field
    options = [st.just(shown_value(bound)), _hostile()]
    choices = [str(v) for v, _label in getattr(field, "choices", []) if str(v) != ""]
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        options = [
            st.just(shown_value(bound)),
            st.lists(st.one_of(_hostile(), st.sampled_from(choices or [""])), max_size=3),
        ]
    elif choices:
        options.append(st.sampled_from(choices))
    elif isinstance(field.widget, forms.CheckboxInput):
        options.append(st.sampled_from(["on", "", SCRIPT]))
    return st.one_of(options)


def fuzzed_fields(form: forms.BaseForm) -> list[str]:
    return [name for name, field in form.fields.items() if not isinstance(field, forms.FileField)]


@st.composite
def post_data(draw, form: forms.BaseForm, baseline: dict[str, Any]) -> dict[str, Any]:
    """Half the examples change one or two fields of a valid form (so the hostile value reaches the
    services and the database), the other half change every field."""
    names = fuzzed_fields(form)
    if names and draw(st.booleans()):
        mutate = draw(st.sets(st.sampled_from(names), min_size=1, max_size=2))
    else:
        mutate = set(names)
    data = {}
    for name in names:
        value = draw(field_strategy(form[name])) if name in mutate else baseline.get(name)
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


def baseline_values(client, url_name: str, form: forms.BaseForm) -> dict[str, Any]:
    """The values a valid form carries: the form's own (edit forms), or, for a create form, those of an
    edit page with the same form class (an almost valid duplicate); empty fields get a plausible value."""
    candidates = [{name: shown_value(form[name]) for name in fuzzed_fields(form)}]
    for other, view in VIEWS.items():
        if other != url_name and other in OBJECTS and view.form_class is VIEWS[url_name].form_class:
            page = client.get(reverse(other, kwargs=OBJECTS[other]()))
            if page.status_code == 200:
                sibling = page.context["form"]
                candidates.append(
                    {name: shown_value(sibling[name]) for name in fuzzed_fields(sibling) if name in form.fields}
                )
    best = max(candidates, key=lambda values: sum(v not in ("", None, []) for v in values.values()))  # first wins a tie
    return {
        name: best.get(name) if best.get(name) not in ("", None, []) else plausible(form.fields[name])
        for name in fuzzed_fields(form)
    }


def plausible(field: forms.Field) -> Any:
    """A value an empty create form would accept for the field (first choice, today, one, a word)."""
    choices = [str(v) for v, _label in getattr(field, "choices", []) if str(v) != ""]
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return choices[:1]
    if choices:
        return choices[0]
    if isinstance(field, forms.DateField):
        return date.today().strftime("%d.%m.%Y")
    kind = type(field).__name__
    if "Year" in kind:
        return str(date.today().year)
    if (
        isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField)
        or "Euro" in kind
        or "FTE" in kind
        or "Decimal" in kind
    ):
        return "1"
    if isinstance(field, forms.BooleanField):
        return None
    return "Fuzz"


# --- the property ------------------------------------------------------------------------------------


def check_post(client, url: str, data: dict[str, Any]) -> None:
    before = fingerprint()
    response = client.post(url, data)
    assert response.status_code < 500
    body = response.content.decode("utf-8", errors="replace")
    assert SCRIPT not in body, "hostile HTML echoed unescaped"
    if response.status_code in (301, 302, 303):
        page = client.get(response["Location"])
        assert page.status_code < 500
        assert SCRIPT not in page.content.decode("utf-8", errors="replace"), "hostile HTML shown unescaped after saving"
    else:
        assert response.status_code == 200, (response.status_code, url)
        assert changed(before, fingerprint()) == {}, "a form with errors saved something"


@pytest.mark.parametrize("url_name", FORM_URLS)
def test_hostile_input_never_breaks_a_form(client, demo, url_name):
    from kim.models import User

    client.force_login(User.objects.get(username=login_for(VIEWS[url_name])))
    url = reverse(url_name, kwargs=OBJECTS[url_name]() if url_name in OBJECTS else {})
    page = client.get(url)
    assert page.status_code == 200, (url_name, page.status_code)
    form = page.context["form"]

    @settings(
        max_examples=18,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=post_data(form, baseline_values(client, url_name, form)))
    def fuzz(data):
        with transaction.atomic():  # every example starts from the demo (a save may rename the object)
            check_post(client, url, data)
            transaction.set_rollback(True)

    fuzz()


# --- action views: POST handlers without a form page (release, submit, accept, send back, uploads) ----


def _own_draft_return():
    from casemanagement import services
    from casemanagement.models import CaseloadReturn, ReturnStatus

    r = CaseloadReturn.objects.filter(
        carrier__slug="caritas", status__in=[ReturnStatus.DRAFT, ReturnStatus.RETURNED]
    ).first()
    if r is None:
        known = CaseloadReturn.objects.filter(carrier__slug="caritas").order_by("-year", "-month").first()
        r = services.return_create(carrier=known.carrier, post=known.post, year=known.year + 1, month=1)
    return r


def _submitted_return():
    from casemanagement.models import ReturnStatus

    return _first("casemanagement.CaseloadReturn", status=ReturnStatus.SUBMITTED)


def _agenda_item_kwargs() -> dict[str, int]:
    item = _first("committee.AgendaItem")
    return {"pk": item.meeting_id, "item_pk": item.pk}


ACTION_OBJECTS: dict[str, Callable[[], dict[str, Any]]] = {
    "funding:proof_upload": lambda: {"pk": _first("funding.ProofObligation").pk},
    "funding:proof_status": lambda: {"pk": _first("funding.ProofObligation").pk},
    "casemanagement:return_submit": lambda: {"public_id": _own_draft_return().public_id},
    "casemanagement:return_upload": lambda: {"public_id": _own_draft_return().public_id},
    "casemanagement:return_use_register": lambda: {"public_id": _own_draft_return().public_id},
    "casemanagement:return_accept": lambda: {"public_id": _submitted_return().public_id},
    "casemanagement:return_withdraw": lambda: {
        "public_id": _first("casemanagement.CaseloadReturn", status="submitted", carrier__slug="caritas").public_id
    },
    "casemanagement:return_send_back": lambda: {"public_id": _submitted_return().public_id},
    "casemanagement:return_reopen": lambda: {
        "public_id": _first("casemanagement.CaseloadReturn", status="accepted").public_id
    },
    "committee:paper_release": lambda: {"pk": _draft_paper().pk},
    "committee:paper_withdraw": lambda: {"pk": _draft_paper().pk},
    # the meeting page: all results at once, agenda items moved and removed (buttons with the meeting's version)
    "committee:meeting_results": lambda: {"pk": _first("committee.Meeting").pk},
    "committee:agenda_up": lambda: _agenda_item_kwargs(),
    "committee:agenda_down": lambda: _agenda_item_kwargs(),
    "committee:agenda_remove": lambda: _agenda_item_kwargs(),
    # the import pages (kim/import_views.py): a kind, a file, a confirmation with a digest
    "modules:import": lambda: {},
    "funding:import": lambda: {},
    "masterdata:organisation_import": lambda: {},
    # cancellation (Storno) pages: a reason and the page's version
    "funding:grant_cancel": lambda: {"pk": _first("funding.GrantNotice").pk},
    "funding:forwarding_cancel": lambda: {"pk": _first("funding.ForwardingContract").pk},
    "funding:controlling_payment_cancel": lambda: {
        "pk": _first("funding.CarrierPayment").contract_id,
        "payment_pk": _first("funding.CarrierPayment").pk,
    },
    # deletion pages: the page's version
    "funding:rate_delete": lambda: {"pk": _first("funding.Rate").pk},
    "funding:costplan_delete": lambda: {"pk": _first("funding.CostPlan").pk},
}
ACTION_KEYS = [
    "status",
    "doc_type",
    "reason",
    "review_note",
    "note",
    "file",
    "version",
    "next",
    "kind",
    "confirm",
    "digest",
]


def action_urls() -> list[tuple[str, type]]:
    """URL patterns whose view answers POST but shows no form of its own (not the login/logout)."""
    found: list[tuple[str, type]] = []

    def walk(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace not in ("admin", "oparl"):
                    walk(p.url_patterns, p.namespace or namespace)
                continue
            view_class = getattr(p.callback, "view_class", None)
            if (
                namespace
                and view_class is not None
                and hasattr(view_class, "post")
                and getattr(view_class, "form_class", None) is None
            ):
                found.append((f"{namespace}:{p.name}", view_class))

    walk(get_resolver().url_patterns, "")
    return found


ACTIONS = dict(action_urls())


def test_every_action_url_is_fuzzed():
    assert sorted(name for name in ACTIONS if name not in ACTION_OBJECTS) == []


@pytest.mark.parametrize("url_name", sorted(ACTIONS))
def test_hostile_input_never_breaks_an_action(client, demo, url_name):
    from kim.models import User

    username = "traeger-caritas" if set(ACTIONS[url_name].allowed_roles) == {"carrier"} else "a46"
    client.force_login(User.objects.get(username=username))
    url = reverse(url_name, kwargs=ACTION_OBJECTS[url_name]())

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.dictionaries(st.sampled_from(ACTION_KEYS), _hostile(), max_size=4))
    def fuzz(data):
        with transaction.atomic():
            response = client.post(url, data)
            assert response.status_code < 500
            assert response.status_code != 403, "the fuzz user should be allowed to act here"
            body = response.content.decode("utf-8", errors="replace")
            assert SCRIPT not in body
            if response.status_code in (301, 302, 303):
                page = client.get(response["Location"])
                assert page.status_code < 500
                assert SCRIPT not in page.content.decode("utf-8", errors="replace")
            transaction.set_rollback(True)

    fuzz()
