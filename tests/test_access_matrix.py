"""Access matrix: every named URL of the project, requested by every role with GET and POST.

The URL patterns are read from the URL configuration (recursively through ``include``), so a new
URL without an entry in ``POLICY`` fails ``test_every_url_has_a_policy``. The demo of the
StädteRegion Aachen (``load_demo``) is loaded once for the module; carrier A is Caritas, carrier B
is Diakonie. Every URL with parameters is resolved to an object of carrier A where the object
belongs to a carrier (case, return, contract, cost plan, payment, proof of use …), otherwise to a
suitable shared object (paper 2020/0354, its meeting, a grant, a post of carrier A …); the
resolver sits in the policy table next to the expected answers.

Each request runs inside a savepoint that is rolled back, so a successful POST action (accepting
a return, releasing a paper …) does not change what the next request sees. Checked for every
request: the answer equals the policy (an exception, i.e. a 500, never does); a refused POST
(login, 403, 404, 405) adds no row to any history table; every 200 that carrier B gets contains
none of carrier A's markers ("Caritasverband", "Caritas", its case numbers "CAR-20…") except the
published papers and OParl, which are public documents of the county.

Expected answers: ``LOGIN`` (302 to /anmelden/), 200, 302 (a successful redirect, e.g. after a POST
action), 403, 404, 405 (method not allowed), 400. Roles, in this order:

    anon, carrier_a (traeger-caritas), carrier_b (traeger-diakonie), committee (sitzungsdienst),
    readonly (pruefung), a46

Profiles, role -> (GET, POST), anonymous always LOGIN unless public (domain.md §5: A 46 edits
everything except case-level data and drafts papers; carriers see only their own organisation,
another carrier's object is a 404; committee staff keep meetings and consultation results and
read papers and programme figures; read-only reads):

    PUBLIC             OParl: everyone reads, nobody writes (POST 405)
    READ_ALL           every signed-in role reads (carriers: scoped to their organisation); POST 405
    STAFF_READ         A 46, committee staff and read-only read; carriers 403; POST 405
    A46_WRITE          a form of A 46: the form (200), with empty data the form with errors (200);
                       everybody else 403
    A46_WRITE_ON_OWN   the same on an object of carrier A (its post, its contract): carrier B 404
    A46_WRITE_ON_STAFF the same on an object no carrier sees (a grant): carriers 404
    A46_ACTION         a POST-only action of A 46: GET 405, POST 302; everybody else 403
    COMMITTEE_WRITE    a form of committee staff and A 46 (meetings, agenda, consultation results)
    CARRIER_OWN        carrier A's object (post, contract, cost plan, payments, proof of use), read by
                       its staff and all staff roles; carrier B 404 (its POST is 405: the method is
                       refused before the object is looked up, which reveals nothing)
    CARRIER_FORM       a form on carrier A's case register: carrier A 200, carrier B 404, every staff
                       role 403 (A 46 sees no case-level data)
    CARRIER_LIST       the carrier's own register: carriers 200 (scoped), staff 403

``over(PROFILE, role=(GET, POST))`` writes a per-URL exception.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ("anon", "carrier_a", "carrier_b", "committee", "readonly", "a46")
USERNAMES = {
    "carrier_a": "traeger-caritas",
    "carrier_b": "traeger-diakonie",
    "committee": "sitzungsdienst",
    "readonly": "pruefung",
    "a46": "a46",
}
LOGIN = "login"
CARRIER_A_MARKERS = ("Caritasverband", "CAR-20", "Caritas")

# ---------------------------------------------------------------- profiles: role -> (GET, POST)


def profile(
    anon=(LOGIN, LOGIN),
    carrier_a=(403, 403),
    carrier_b=(403, 403),
    committee=(403, 403),
    readonly=(403, 403),
    a46=(403, 403),
):
    return {
        "anon": anon,
        "carrier_a": carrier_a,
        "carrier_b": carrier_b,
        "committee": committee,
        "readonly": readonly,
        "a46": a46,
    }


def over(base: dict, **roles) -> dict:
    return {**base, **roles}


PUBLIC = profile(*[(200, 405)] * 6)
READ_ALL = profile(
    carrier_a=(200, 405), carrier_b=(200, 405), committee=(200, 405), readonly=(200, 405), a46=(200, 405)
)
STAFF_READ = profile(committee=(200, 405), readonly=(200, 405), a46=(200, 405))
A46_WRITE = profile(a46=(200, 200))
A46_ACTION = profile(a46=(405, 302))
A46_WRITE_ON_OWN = over(A46_WRITE, carrier_b=(404, 404))
A46_WRITE_ON_STAFF = over(A46_WRITE, carrier_a=(404, 404), carrier_b=(404, 404))
COMMITTEE_WRITE = profile(committee=(200, 200), a46=(200, 200))
CARRIER_OWN = profile(
    carrier_a=(200, 405), carrier_b=(404, 405), committee=(200, 405), readonly=(200, 405), a46=(200, 405)
)
CARRIER_FORM = profile(carrier_a=(200, 200), carrier_b=(404, 404))
CARRIER_LIST = profile(carrier_a=(200, 405), carrier_b=(200, 405))


# ---------------------------------------------------------------- objects the URL parameters point to


class Demo:
    """Objects of the loaded demo: carrier A = Caritas, carrier B = Diakonie."""

    def __init__(self):
        from casemanagement.models import Case, CaseloadReturn, Contact, IndicatorReport, Referral
        from committee.models import Attachment, Consultation, DecisionItem, Paper, Section
        from funding.models import (
            BudgetLine,
            CarrierPayment,
            CostPlan,
            ForwardingContract,
            GrantAllocation,
            OwnShareRequest,
            OwnShareTopUp,
            Programme,
            ProofDocument,
            ProofObligation,
            Rate,
        )
        from kim.models import Organisation, User
        from modules.models import CostRate, Occupancy

        self.carrier_a = Organisation.objects.get(slug="caritas")
        self.carrier_b = Organisation.objects.get(slug="diakonie")
        self.carrier_a_login = User.objects.get(username="traeger-caritas")
        self.contact = Contact.objects.filter(case__carrier=self.carrier_a).order_by("pk").first()
        self.case = Case.objects.filter(carrier=self.carrier_a).order_by("pk").first()
        self.referral = (
            Referral.objects.filter(case=self.case).first()
            or Referral.objects.filter(case__carrier=self.carrier_a).first()
        )
        if self.referral.case_id != self.case.pk:
            self.case = self.referral.case
        self.submitted_return = (
            CaseloadReturn.objects.filter(carrier=self.carrier_a, status="submitted").order_by("pk").first()
        )
        self.indicator = IndicatorReport.objects.order_by("pk").first()
        self.contract = ForwardingContract.objects.filter(carrier=self.carrier_a).order_by("pk").first()
        self.post = self.contract.post
        self.occupancy = Occupancy.objects.filter(post=self.post).first()
        self.costplan = CostPlan.objects.filter(post__employer=self.carrier_a).order_by("pk").first()
        self.payment = CarrierPayment.objects.filter(contract=self.contract).order_by("pk").first()
        self.proof = ProofObligation.objects.filter(contract__carrier=self.carrier_a).order_by("pk").first()
        self.document = ProofDocument.objects.filter(obligation=self.proof).first()
        self.grant = self.contract.grant
        self.allocation = GrantAllocation.objects.filter(grant=self.grant).first()
        self.own_share_request = OwnShareRequest.objects.order_by("pk").first()
        self.budget_line = BudgetLine.objects.order_by("pk").first()
        self.rate = Rate.objects.order_by("pk").first()
        self.programme = Programme.objects.order_by("pk").first()
        self.cost_rate = CostRate.objects.order_by("pk").first()
        self.topup = OwnShareTopUp.objects.order_by("pk").first()
        self.paper = (
            Paper.objects.get(number="2020/0354")
            if Paper.objects.filter(number="2020/0354").exists()
            else Paper.objects.order_by("pk").first()
        )
        self.decision = DecisionItem.objects.filter(paper=self.paper).first()
        self.section = Section.objects.filter(paper=self.paper).first()
        self.attachment = Attachment.objects.filter(paper=self.paper).first()
        self.consultation = Consultation.objects.filter(paper=self.paper).first()
        self.meeting = self.consultation.meeting
        self.agenda_item = self.meeting.agenda_items.first()
        self.committee = self.meeting.committee
        self.body = self.committee.body
        assert all(
            getattr(self, name) is not None
            for name in (
                "case",
                "referral",
                "submitted_return",
                "indicator",
                "contract",
                "occupancy",
                "costplan",
                "payment",
                "proof",
                "document",
                "allocation",
                "own_share_request",
                "budget_line",
                "rate",
                "programme",
                "topup",
                "decision",
                "section",
                "attachment",
                "consultation",
                "agenda_item",
            )
        ), "the demo lacks an object the access matrix needs"


K = Callable[[Demo], dict]


def pk(attr: str) -> K:
    return lambda d: {"pk": getattr(d, attr).pk}


def case(**extra: Callable[[Demo], object]) -> K:
    return lambda d: {"public_id": d.case.public_id, **{k: f(d) for k, f in extra.items()}}


def ret(d: Demo) -> dict:
    return {"public_id": d.submitted_return.public_id}


NONE: K = lambda d: {}  # noqa: E731

# ---------------------------------------------------------------- the policy table: url name -> (kwargs, expected)

POLICY: dict[str, tuple[K, dict]] = {}
P = POLICY
# core
P["dashboard"] = (NONE, READ_ALL)
# search in the header and help pages (issue 16): every signed-in role, results scoped by role
P["search"] = (NONE, READ_ALL)
P["help"] = (NONE, READ_ALL)
P["help_area"] = (lambda d: {"area": "finanzen"}, READ_ALL)
P["login"] = (NONE, profile(anon=(200, 200), **{r: (302, 302) for r in ROLES[1:]}))
P["logout"] = (NONE, profile(anon=(405, LOGIN), **{r: (405, LOGIN) for r in ROLES[1:]}))
P["totp_verify"] = (NONE, profile(**{r: (302, 302) for r in ROLES[1:]}))
P["totp_setup"] = (NONE, profile(**{r: (302, 302) for r in ROLES[1:]}))
# the language switch (Django's set_language): everyone, signed in or not; GET only redirects, POST sets
# the language cookie and redirects; it writes nothing to the database
P["set_language"] = (NONE, profile(**{r: (302, 302) for r in ROLES}))
# carriers (organisations)
# accounts (issue 15): the own password for everyone signed in; the forgotten-password pages and the
# one-time link (an invalid one here) for everyone; account management for A 46 and the carrier
# administrators (the demo's carrier logins are their carriers' administrators), scoped to the own
# carrier. The target account is carrier A's login: it has a carrier administrator, so A 46 may only
# lock it; carrier A (itself) may reset and reactivate but not lock itself.
P["password_change"] = (NONE, profile(**{r: (200, 200) for r in ROLES[1:]}))
P["password_reset"] = (NONE, profile(**{r: (200, 200) for r in ROLES}))
P["password_reset_done"] = (NONE, profile(**{r: (200, 405) for r in ROLES}))
P["account_link"] = (lambda d: {"uidb64": "MQ", "token": "abc-def"}, profile(**{r: (200, 200) for r in ROLES}))
ACCOUNT_A = lambda d: {"pk": d.carrier_a_login.pk}  # noqa: E731
P["accounts:account_list"] = (NONE, profile(carrier_a=(200, 405), carrier_b=(200, 405), a46=(200, 405)))
P["accounts:account_log"] = (
    NONE,
    profile(carrier_a=(200, 405), carrier_b=(200, 405), committee=(403, 405), readonly=(403, 405), a46=(200, 405)),
)
P["accounts:account_invite"] = (NONE, profile(carrier_a=(200, 200), carrier_b=(200, 200), a46=(200, 200)))
P["accounts:account_detail"] = (
    ACCOUNT_A,
    profile(carrier_a=(200, 405), carrier_b=(404, 405), committee=(403, 405), readonly=(403, 405), a46=(200, 405)),
)
P["accounts:account_reset"] = (ACCOUNT_A, profile(carrier_a=(200, 200), carrier_b=(404, 404)))
P["accounts:account_deactivate"] = (ACCOUNT_A, profile(carrier_b=(404, 404), a46=(200, 200)))
P["accounts:account_reactivate"] = (
    ACCOUNT_A,
    profile(carrier_a=(405, 302), carrier_b=(405, 404), committee=(405, 403), readonly=(405, 403), a46=(405, 403)),
)
P["accounts:second_factor_reset"] = (ACCOUNT_A, profile(carrier_b=(404, 404)))
# master data of every kind (issue 15): staff read, A 46 writes; carriers use their own pages
P["masterdata:organisation_list"] = (NONE, STAFF_READ)
P["masterdata:organisation_create"] = (NONE, A46_WRITE)
P["masterdata:organisation_detail"] = (lambda d: {"pk": d.carrier_a.pk}, STAFF_READ)
P["masterdata:organisation_edit"] = (lambda d: {"pk": d.carrier_a.pk}, A46_WRITE)
P["masterdata:municipality_list"] = (NONE, STAFF_READ)
P["masterdata:municipality_create"] = (NONE, A46_WRITE)
P["masterdata:municipality_detail"] = (lambda d: {"pk": d.post.place_id}, STAFF_READ)
P["masterdata:municipality_edit"] = (lambda d: {"pk": d.post.place_id}, A46_WRITE)
P["kim:carrier_list"] = (NONE, READ_ALL)
P["kim:carrier_create"] = (NONE, A46_WRITE)
P["kim:carrier_detail"] = (lambda d: {"slug": d.carrier_a.slug}, CARRIER_OWN)
P["kim:carrier_edit"] = (lambda d: {"slug": d.carrier_a.slug}, A46_WRITE)
# posts
P["modules:post_list"] = (NONE, READ_ALL)
P["modules:post_create"] = (NONE, A46_WRITE)
P["modules:post_detail"] = (pk("post"), CARRIER_OWN)
P["modules:post_edit"] = (pk("post"), A46_WRITE)
P["modules:occupancy_create"] = (pk("post"), A46_WRITE_ON_OWN)
P["modules:occupancy_edit"] = (lambda d: {"pk": d.post.pk, "occupancy_pk": d.occupancy.pk}, A46_WRITE_ON_OWN)
P["modules:personnelcost_create"] = (pk("post"), A46_WRITE_ON_OWN)
P["modules:costrate_create"] = (NONE, A46_WRITE)
P["modules:costrate_list"] = (NONE, STAFF_READ)
P["modules:costrate_detail"] = (pk("cost_rate"), STAFF_READ)
P["modules:costrate_edit"] = (pk("cost_rate"), A46_WRITE)
P["masterdata:organisation_import"] = (NONE, A46_WRITE)
P["masterdata:organisation_import_template"] = (NONE, profile(a46=(200, 405)))
P["modules:import"] = (NONE, A46_WRITE)
P["modules:import_template"] = (NONE, profile(a46=(200, 405)))
P["funding:import"] = (NONE, A46_WRITE)
P["funding:import_template"] = (NONE, profile(a46=(200, 405)))
# funding
P["funding:grant_list"] = (NONE, STAFF_READ)
P["funding:grant_create"] = (NONE, A46_WRITE)
P["funding:grant_detail"] = (pk("grant"), STAFF_READ)
P["funding:grant_edit"] = (pk("grant"), A46_WRITE)
P["funding:grant_cancel"] = (pk("grant"), A46_WRITE)
P["funding:allocation_create"] = (pk("grant"), A46_WRITE_ON_STAFF)
P["funding:allocation_choose"] = (pk("post"), profile(a46=(200, 405)))
P["funding:allocation_edit"] = (lambda d: {"pk": d.grant.pk, "allocation_pk": d.allocation.pk}, A46_WRITE_ON_STAFF)
P["funding:forwarding_list"] = (NONE, READ_ALL)
P["funding:forwarding_create"] = (NONE, A46_WRITE)
P["funding:forwarding_detail"] = (pk("contract"), CARRIER_OWN)
P["funding:forwarding_edit"] = (pk("contract"), A46_WRITE)
P["funding:forwarding_cancel"] = (pk("contract"), A46_WRITE)
P["funding:forwarding_onward_create"] = (pk("contract"), A46_WRITE)
P["funding:costplan_list"] = (NONE, READ_ALL)
P["funding:costplan_create"] = (NONE, A46_WRITE)
P["funding:costplan_detail"] = (pk("costplan"), CARRIER_OWN)
P["funding:costplan_edit"] = (pk("costplan"), A46_WRITE)
P["funding:costplan_delete"] = (pk("costplan"), A46_WRITE)
P["funding:gap_list"] = (NONE, READ_ALL)
P["funding:request_list"] = (NONE, STAFF_READ)
P["funding:request_create"] = (NONE, A46_WRITE)
P["funding:request_detail"] = (pk("own_share_request"), STAFF_READ)
P["funding:request_edit"] = (pk("own_share_request"), A46_WRITE)
P["funding:budget_list"] = (NONE, STAFF_READ)
P["funding:budget_create"] = (NONE, A46_WRITE)
P["funding:budget_edit"] = (pk("budget_line"), A46_WRITE)
P["funding:rate_list"] = (NONE, STAFF_READ)
P["funding:rate_create"] = (NONE, A46_WRITE)
P["funding:rate_edit"] = (pk("rate"), A46_WRITE)
P["funding:rate_delete"] = (pk("rate"), A46_WRITE)
P["funding:programme_list"] = (NONE, STAFF_READ)
P["funding:programme_create"] = (NONE, A46_WRITE)
P["funding:programme_edit"] = (pk("programme"), A46_WRITE)
# controlling
# Art. 20 DSGVO data export of carrier A (ZIP with its cases, contacts, referrals): its own staff only;
# carrier B and every staff role (A 46 included) 404, like every other page with case data
P["overview:deleted_entries"] = (NONE, profile(readonly=(200, 405), a46=(200, 405)))
P["overview:data_export"] = (
    lambda d: {"slug": d.carrier_a.slug},
    profile(carrier_a=(200, 405), carrier_b=(404, 405), committee=(404, 405), readonly=(404, 405), a46=(404, 405)),
)
P["funding:controlling"] = (NONE, STAFF_READ)
P["funding:controlling_year"] = (NONE, A46_WRITE)
P["funding:controlling_payments"] = (NONE, READ_ALL)
P["funding:controlling_payment_list"] = (NONE, READ_ALL)
P["funding:controlling_receipt_create"] = (pk("grant"), A46_WRITE_ON_STAFF)
P["funding:controlling_contract_payments"] = (pk("contract"), CARRIER_OWN)
P["funding:controlling_payment_create"] = (pk("contract"), A46_WRITE_ON_OWN)
P["funding:controlling_payment_edit"] = (lambda d: {"pk": d.contract.pk, "payment_pk": d.payment.pk}, A46_WRITE_ON_OWN)
P["funding:controlling_payment_cancel"] = (lambda d: {"pk": d.contract.pk, "payment_pk": d.payment.pk}, A46_WRITE)
# Proofs of use: not for committee staff (domain.md §5: papers and programme figures only).
P["funding:controlling_proofs"] = (NONE, over(READ_ALL, committee=(403, 403)))
P["funding:proof_detail"] = (pk("proof"), over(CARRIER_OWN, committee=(403, 403)))
P["funding:proof_upload"] = (
    pk("proof"),
    over(
        CARRIER_OWN,
        carrier_a=(200, 200),
        carrier_b=(404, 404),
        committee=(403, 403),
        readonly=(403, 403),
        a46=(200, 200),
    ),
)
P["funding:proof_status"] = (pk("proof"), A46_WRITE)
P["funding:proof_document"] = (
    lambda d: {"pk": d.proof.pk, "document_pk": d.document.pk},
    over(CARRIER_OWN, committee=(403, 403)),
)
P["funding:proof_create_contract"] = (pk("contract"), A46_WRITE_ON_OWN)
P["funding:proof_create_grant"] = (pk("grant"), A46_WRITE_ON_STAFF)
P["funding:controlling_double"] = (NONE, STAFF_READ)
P["funding:controlling_timeline"] = (NONE, STAFF_READ)
P["funding:controlling_whatif"] = (NONE, STAFF_READ)
P["funding:topup_create"] = (NONE, A46_WRITE)
P["funding:topup_edit"] = (pk("topup"), A46_WRITE)
P["funding:controlling_flow"] = (NONE, STAFF_READ)
P["funding:controlling_risks"] = (NONE, STAFF_READ)
P["funding:controlling_entitlements"] = (NONE, STAFF_READ)
# case management (carrier's own register; A 46 sees no case-level data)
P["casemanagement:case_list"] = (NONE, CARRIER_LIST)
P["casemanagement:case_create"] = (NONE, profile(carrier_a=(200, 200), carrier_b=(200, 200)))
P["casemanagement:case_detail"] = (case(), over(CARRIER_FORM, carrier_a=(200, 405), carrier_b=(404, 405)))
P["casemanagement:case_edit"] = (case(), CARRIER_FORM)
P["casemanagement:contact_create"] = (case(), CARRIER_FORM)
P["casemanagement:referral_create"] = (case(), CARRIER_FORM)
P["casemanagement:referral_edit"] = (case(pk=lambda d: d.referral.pk), CARRIER_FORM)
# corrections (issue 15): a contact of carrier A corrected or deleted, a referral deleted (POST deletes: 302)
CONTACT = lambda d: {"public_id": d.contact.case.public_id, "pk": d.contact.pk}  # noqa: E731
P["casemanagement:contact_edit"] = (CONTACT, CARRIER_FORM)
P["casemanagement:contact_delete"] = (CONTACT, over(CARRIER_FORM, carrier_a=(200, 302)))
P["casemanagement:referral_delete"] = (case(pk=lambda d: d.referral.pk), over(CARRIER_FORM, carrier_a=(200, 302)))
P["casemanagement:case_close"] = (case(), CARRIER_FORM)
P["casemanagement:case_reopen"] = (case(), CARRIER_FORM)
P["casemanagement:return_list"] = (NONE, over(READ_ALL, committee=(403, 403)))
P["casemanagement:return_create"] = (NONE, profile(carrier_a=(200, 200), carrier_b=(200, 200)))
P["casemanagement:review_queue"] = (NONE, profile(a46=(200, 405)))
P["casemanagement:return_detail"] = (ret, over(CARRIER_OWN, committee=(403, 403)))
P["casemanagement:return_submit"] = (ret, profile(carrier_a=(405, 302), carrier_b=(405, 404)))
P["casemanagement:return_upload"] = (ret, profile(carrier_a=(405, 302), carrier_b=(405, 404)))
P["casemanagement:return_use_register"] = (ret, profile(carrier_a=(405, 302), carrier_b=(405, 404)))
P["casemanagement:return_withdraw"] = (ret, profile(carrier_a=(405, 302), carrier_b=(405, 404)))
P["casemanagement:return_csv"] = (ret, profile(carrier_a=(200, 405), carrier_b=(404, 405)))
P["casemanagement:return_accept"] = (ret, A46_ACTION)
P["casemanagement:return_send_back"] = (ret, A46_ACTION)
P["casemanagement:return_reopen"] = (ret, A46_ACTION)
P["casemanagement:statistics"] = (NONE, STAFF_READ)
P["casemanagement:indicator_list"] = (NONE, STAFF_READ)
P["casemanagement:indicator_create"] = (NONE, A46_WRITE)
P["casemanagement:indicator_edit"] = (pk("indicator"), A46_WRITE)
# committee
P["committee:committee_list"] = (NONE, STAFF_READ)
P["committee:committee_create"] = (NONE, COMMITTEE_WRITE)
P["committee:committee_detail"] = (pk("committee"), STAFF_READ)
P["committee:committee_edit"] = (pk("committee"), COMMITTEE_WRITE)
P["committee:paper_list"] = (NONE, READ_ALL)
P["committee:paper_create"] = (NONE, A46_WRITE)
P["committee:paper_detail"] = (pk("paper"), READ_ALL)
P["committee:paper_edit"] = (pk("paper"), A46_WRITE)
P["committee:paper_pdf"] = (pk("paper"), READ_ALL)
P["committee:paper_release"] = (pk("paper"), A46_ACTION)
P["committee:paper_withdraw"] = (pk("paper"), A46_ACTION)
P["committee:decision_create"] = (pk("paper"), A46_WRITE)
P["committee:decision_edit"] = (lambda d: {"pk": d.paper.pk, "item_pk": d.decision.pk}, A46_WRITE)
P["committee:section_create"] = (pk("paper"), A46_WRITE)
P["committee:section_edit"] = (lambda d: {"pk": d.paper.pk, "section_pk": d.section.pk}, A46_WRITE)
P["committee:attachment_create"] = (pk("paper"), A46_WRITE)
P["committee:consultation_create"] = (pk("paper"), COMMITTEE_WRITE)
P["committee:attachment_download"] = (pk("attachment"), READ_ALL)
P["committee:consultation_result"] = (pk("consultation"), COMMITTEE_WRITE)
P["committee:meeting_list"] = (NONE, STAFF_READ)
P["committee:meeting_create"] = (NONE, COMMITTEE_WRITE)
P["committee:meeting_detail"] = (pk("meeting"), STAFF_READ)
P["committee:meeting_edit"] = (pk("meeting"), COMMITTEE_WRITE)
P["committee:meeting_bundle"] = (pk("meeting"), STAFF_READ)
P["committee:agenda_create"] = (pk("meeting"), COMMITTEE_WRITE)
P["committee:meeting_results"] = (pk("meeting"), COMMITTEE_WRITE)
# the members' bundle: every role entitled to non-public material (committee.models.sees_non_public)
P["committee:meeting_bundle_non_public"] = (pk("meeting"), STAFF_READ)
# buttons of committee staff and A 46; an empty POST (no version) is refused with a message: 302
_agenda_item = lambda d: {"pk": d.meeting.pk, "item_pk": d.agenda_item.pk}  # noqa: E731
for _name in ("agenda_up", "agenda_down", "agenda_remove"):
    P[f"committee:{_name}"] = (_agenda_item, profile(committee=(405, 302), a46=(405, 302)))
# OParl: public, read only
for _name in ("system", "body_list"):
    P[f"oparl:{_name}"] = (NONE, PUBLIC)
for _name in (
    "body",
    "body_organization",
    "body_person",
    "body_legislativeterm",
    "body_meeting",
    "body_paper",
    "body_agendaitem",
    "body_consultation",
    "body_file",
):
    P[f"oparl:{_name}"] = (pk("body"), PUBLIC)
P["oparl:organization"] = (pk("committee"), PUBLIC)
P["oparl:organization_meeting"] = (pk("committee"), PUBLIC)
P["oparl:meeting"] = (pk("meeting"), PUBLIC)
P["oparl:agendaitem"] = (pk("agenda_item"), PUBLIC)
P["oparl:paper"] = (pk("paper"), PUBLIC)
P["oparl:consultation"] = (pk("consultation"), PUBLIC)
P["oparl:file"] = (lambda d: {"key": f"p{d.paper.pk}"}, PUBLIC)
P["oparl:file_download"] = (lambda d: {"key": f"p{d.paper.pk}"}, PUBLIC)


# ---------------------------------------------------------------- the machinery


def url_names(patterns=None, namespace: str = "") -> list[str]:
    """Every named URL pattern, recursively through includes; the admin is Django's and left out."""
    names = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += url_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name and entry.name not in ("static", "serve"):
            names.append(namespace + entry.name)
    return names


def history_fingerprint() -> tuple:
    """Row counts of every history table (every write of a domain model adds a row) in one query."""
    tables = sorted(t for t in connection.introspection.table_names() if "_historical" in t)
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def classify(response) -> object:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def demo(demo, django_db_blocker):
    """The shared demo (tests/conftest.py) and its files' directory, with the objects the URLs point to."""
    with django_db_blocker.unblock():
        return Demo(), demo


@pytest.fixture
def private_media(settings, demo):
    """Overrides the conftest's per-test media directory: the demo's uploads live in the module's."""
    settings.MEDIA_ROOT = demo[1]


def button_data(name: str, kwargs: dict) -> dict[str, str]:
    """What a state-changing button of a versioned object sends besides the CSRF token: the version of its
    page (a button without one is refused like a stale one, so the matrix presses it as the page does)."""
    from casemanagement.models import CaseloadReturn
    from committee.models import Paper

    if name in ("committee:paper_release", "committee:paper_withdraw"):
        return {"version": str(Paper.objects.get(pk=kwargs["pk"]).version)}
    if name.startswith("casemanagement:return_") and "public_id" in kwargs:
        return {"version": str(CaseloadReturn.objects.get(public_id=kwargs["public_id"]).version)}
    return {}


def run_role(role: str, d: Demo, names: list[str]) -> tuple[list[str], int]:
    from kim.models import User

    client = Client(raise_request_exception=True)
    if role != "anon":
        client.force_login(User.objects.get(username=USERNAMES[role]))
    cookies = client.cookies
    problems = []
    requests = 0
    writes_seen = 0
    own_markers_seen = 0
    start = history_fingerprint()
    for name in names:
        kwargs_of, expected = POLICY[name]
        kwargs = kwargs_of(d)
        url = reverse(name, kwargs=kwargs)
        for method, want in zip(("GET", "POST"), expected[role], strict=False):
            client.cookies = type(cookies)(cookies)  # logout must not end the session of the next request
            with transaction.atomic():
                before = history_fingerprint() if method == "POST" else None
                try:
                    data = button_data(name, kwargs) if method == "POST" else {}
                    response = getattr(client, method.lower())(url, data)
                    got = classify(response)
                except Exception as exc:  # noqa: BLE001 - a 500 is a finding, reported with the others
                    got, response = f"500 ({type(exc).__name__}: {exc})", None
                requests += 1
                if got != want:
                    problems.append(f"{method} {name} {url}: expected {want}, got {got}")
                if method == "POST":
                    wrote = history_fingerprint() != before
                    writes_seen += wrote
                    if wrote and got in (LOGIN, 403, 404, 405):
                        problems.append(f"{method} {name} {url}: refused with {got} but wrote history rows")
                if role == "carrier_a" and response is not None and response.status_code == 200 and method == "GET":
                    own_markers_seen += "CAR-20" in body_text(response)
                if role == "carrier_b" and response is not None and response.status_code == 200:
                    text = body_text(response)
                    for marker in CARRIER_A_MARKERS:
                        if marker in text and name not in PUBLIC_DOCUMENTS:
                            problems.append(f"{method} {name} {url}: carrier B sees carrier A's {marker!r}")
                transaction.set_rollback(True)
    assert history_fingerprint() == start, "a request's writes outlived its savepoint"
    if role == "carrier_a":
        assert own_markers_seen > 0, (
            "the marker never appears, not even on carrier A's own pages: the leak check would be blind"
        )
    if role == "a46":
        # the fingerprint sees writes: A 46's successful actions (accepting a return, releasing a paper) add history rows
        assert writes_seen > 0
    return problems, requests


# Published papers and their PDFs are public documents of the county (they name every carrier's
# posts by decision of the committee); they are not carrier A's data.
PUBLIC_DOCUMENTS = {
    "committee:paper_detail",
    "committee:paper_pdf",
    "committee:attachment_download",
    *(n for n in POLICY if n.startswith("oparl:")),
}


def test_every_url_has_a_policy():
    names = url_names()
    missing = sorted(set(names) - set(POLICY))
    stale = sorted(set(POLICY) - set(names))
    assert not missing, f"URL patterns without an access policy: {missing}"
    assert not stale, f"policy entries for URL names that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_policy_says(role, demo, db):
    names = [n for n in url_names() if n in POLICY]
    problems, requests = run_role(role, demo[0], names)
    assert not problems, f"{len(problems)} of {requests} requests as {role} differ from the policy:\n" + "\n".join(
        problems
    )


def test_carrier_b_finds_nothing_of_carrier_a_by_filtering_for_it_or_exporting(demo, db):
    """Every page carrier B may read, asked with carrier A's ids in every filter, a search for
    words of its name and as a CSV export: still nothing of carrier A (filters offer only B's own choices;
    an id of A is a filter error, never A's rows)."""
    from kim.models import User

    d = demo[0]
    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(username=USERNAMES["carrier_b"]))
    hostile = {
        "carrier": d.carrier_a.pk,
        "employer": d.carrier_a.pk,
        "post": d.post.pk,
        "responsible_post": d.post.pk,
        "q": "Regionen Aachen-Stadt",
        "code": "CAR",
        "year": "2021",  # words of A's name that are no marker (the search is echoed)
    }
    leaks, checked = [], 0
    for name in url_names():
        kwargs_of, expected = POLICY[name]
        if expected["carrier_b"][0] != 200 or name in PUBLIC_DOCUMENTS:
            continue
        url = reverse(name, kwargs=kwargs_of(d))
        for params in (hostile, {**hostile, "export": "csv"}):
            response = client.get(url, params)
            assert response.status_code == 200, f"{url} {params}: {response.status_code}"
            checked += 1
            text = body_text(response)
            leaks += [f"{url}?{params}: {marker!r}" for marker in CARRIER_A_MARKERS if marker in text]
    assert checked >= 20
    assert not leaks, "carrier B sees carrier A's data:\n" + "\n".join(leaks)
