"""Pages for committees, meetings and papers. Thin: reads via querysets/figures, writes via committee.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from committee import services
from committee.figures import FIGURES, differences, render_paper
from committee.filters import MeetingFilter, PaperFilter
from committee.forms import (
    AgendaItemForm,
    AttachmentForm,
    CommitteeForm,
    ConsultationForm,
    ConsultationResultForm,
    DecisionItemForm,
    MeetingForm,
    PaperForm,
    SectionForm,
)
from committee.models import (
    AgendaItem,
    Attachment,
    Committee,
    Consultation,
    DecisionItem,
    Meeting,
    Paper,
    Section,
    sees_non_public,
)
from committee.pdf import meeting_bundle_pdf, paper_pdf
from committee.tables import CommitteeTable, MeetingTable, PaperTable
from kim.forms import apply_service_errors, harmonise_empty_choices
from kim.http import AuthenticatedHttpRequest
from kim.i18n import german
from kim.models import Role, role_key
from kim.selectors import body_current
from kim.uploads import serve_private_file
from kim.versioning import add_version_field, version_errors_to_top
from kim.views import (
    ALL_ROLES,
    STAFF_ROLES,
    ReadOnlyRequestMixin,
    RoleRequiredMixin,
    ScopedDetailView,
    ScopedTableView,
    ServiceFormView,
    form_data,
    posted_version,
)

COMMITTEE_WRITERS = frozenset({Role.ADMIN, Role.COMMITTEE})


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- papers


class PaperListView(ScopedTableView):
    model = Paper
    table_class = PaperTable
    filterset_class = PaperFilter
    allowed_roles = ALL_ROLES
    title = gettext_lazy("Sitzungsvorlagen")
    create_url_name = "committee:paper_create"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.filter(deleted=False).select_related("lead_department")


class PaperDetailView(ReadOnlyRequestMixin, ScopedDetailView):
    model = Paper
    allowed_roles = ALL_ROLES
    template_name = "committee/paper/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return (
            qs.filter(deleted=False)
            .select_related("lead_department")
            .prefetch_related(
                "decision_items",
                "sections",
                "attachments",
                "related",
                # one query for the consultations with their meeting and committee, not three
                Prefetch("consultations", queryset=Consultation.objects.select_related("meeting__committee")),
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        paper = self.object
        key = role_key(self.request.user)
        with german():  # the paper's text, figures and tables are the German document, in any interface language
            rendered = render_paper(paper)
            if rendered.frozen and key in STAFF_ROLES:
                ctx["differences"] = differences(paper, rendered)
        ctx["rendered"] = rendered
        ctx["can_edit_content"] = key == Role.ADMIN and paper.is_draft
        ctx["can_keep_consultations"] = key in COMMITTEE_WRITERS
        ctx["figure_names"] = sorted(FIGURES.items()) if key == Role.ADMIN and paper.is_draft else []
        ctx["related"] = paper.related.all() if key != Role.CARRIER else paper.related.published().filter(deleted=False)
        # a non-public meeting's result and votes only for those entitled to non-public material
        entitled = sees_non_public(self.request.user)
        ctx["consultations"] = [c for c in paper.consultations.all() if entitled or c.meeting.public]
        return ctx


class PaperPdfView(RoleRequiredMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        paper = get_object_or_404(Paper.objects.for_user(request.user).filter(deleted=False), pk=pk)
        with_attachments = request.GET.get("anlagen") == "1"
        data = paper_pdf(paper, with_attachments=with_attachments, public=not sees_non_public(request.user))
        return pdf_response(data, paper.file_name)


class AttachmentDownloadView(RoleRequiredMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
        papers = Paper.objects.for_user(request.user).filter(deleted=False)
        attachment = get_object_or_404(
            Attachment.objects.select_related("paper").filter(paper__in=papers, deleted=False), pk=pk
        )
        return serve_private_file(attachment.file, attachment.download_name)


class PaperCreateView(ServiceFormView[Paper]):
    form_class = PaperForm
    title = gettext_lazy("Neue Sitzungsvorlage")
    cancel_url_name = "committee:paper_list"
    success_message = gettext_lazy("Sitzungsvorlage gespeichert.")

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), "signatory": body_current().signatory}

    def perform_save(self, form: BaseForm) -> Paper:
        return services.paper_save(data=form_data(form), user=self.request.user)


class PaperUpdateView(ServiceFormView[Paper]):
    model = Paper
    form_class = PaperForm
    editing = True
    title = gettext_lazy("Sitzungsvorlage bearbeiten")
    success_message = gettext_lazy("Sitzungsvorlage gespeichert.")

    def get_initial(self) -> dict[str, Any]:
        return {"number": self.object.number} if self.object else {}

    def perform_save(self, form: BaseForm) -> Paper:
        return services.paper_save(paper=self.object, data=form_data(form), user=self.request.user)


class PaperPartMixin:
    """Views that edit a part of one paper: the paper comes through the scoped queryset."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and role_key(request.user) in self.allowed_write_roles:
            self.paper = get_object_or_404(Paper.objects.for_user(request.user).filter(deleted=False), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    allowed_write_roles = frozenset({Role.ADMIN})

    def get_return_url(self) -> str:
        return self.paper.get_absolute_url()


class DecisionItemCreateView(PaperPartMixin, ServiceFormView[DecisionItem]):
    form_class = DecisionItemForm
    title = gettext_lazy("Beschlusspunkt")
    success_message = gettext_lazy("Beschlusspunkt gespeichert.")

    def get_initial(self):
        return {"order": self.paper.decision_items.count() + 1}

    def perform_save(self, form):
        return services.decision_item_save(
            paper=self.paper, item=self.object, data=form_data(form), user=self.request.user
        )


class DecisionItemUpdateView(DecisionItemCreateView):
    editing = True

    def get_object(self):
        return get_object_or_404(DecisionItem, paper=self.paper, pk=self.kwargs["item_pk"])

    def get_initial(self):
        return {}


class SectionCreateView(PaperPartMixin, ServiceFormView[Section]):
    form_class = SectionForm
    title = gettext_lazy("Abschnitt")
    success_message = gettext_lazy("Abschnitt gespeichert.")
    template_name = "committee/paper/section_form.html"

    def get_initial(self):
        return {"order": self.paper.sections.count() + 1}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["figures"] = sorted(FIGURES.items())
        return ctx

    def perform_save(self, form):
        return services.section_save(
            paper=self.paper, section=self.object, data=form_data(form), user=self.request.user
        )


class SectionUpdateView(SectionCreateView):
    editing = True

    def get_object(self):
        return get_object_or_404(Section, paper=self.paper, pk=self.kwargs["section_pk"])

    def get_initial(self):
        return {}


class AttachmentCreateView(PaperPartMixin, ServiceFormView[Attachment]):
    form_class = AttachmentForm
    title = gettext_lazy("Anlage hochladen")
    success_message = gettext_lazy("Anlage gespeichert.")
    template_name = "committee/upload_form.html"

    def get_initial(self):
        return {"order": self.paper.attachments.count() + 1}

    def perform_save(self, form):
        return services.attachment_save(paper=self.paper, data=form_data(form), user=self.request.user)


class PaperReleaseView(RoleRequiredMixin, View):
    edit = True

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        paper = get_object_or_404(Paper.objects.for_user(request.user).filter(deleted=False), pk=pk)
        try:
            services.paper_release(paper=paper, user=request.user, version=posted_version(request))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Vorlage %(n)s freigegeben; Zahlen und Tabellen sind eingefroren.") % {"n": paper.number}
            )
        return HttpResponseRedirect(paper.get_absolute_url())


class PaperWithdrawView(RoleRequiredMixin, View):
    edit = True

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        paper = get_object_or_404(Paper.objects.for_user(request.user).filter(deleted=False), pk=pk)
        try:
            services.paper_withdraw(paper=paper, user=request.user, version=posted_version(request))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(paper.get_absolute_url())
        messages.success(request, _("Vorlage %(n)s zurückgezogen.") % {"n": paper.number})
        return HttpResponseRedirect(reverse("committee:paper_list"))


# ---------------------------------------------------------------- consultations


class CommitteeWriteMixin:
    """Committee staff and A 46 keep meetings and consultations; nobody else writes here."""

    edit = False
    allowed_roles: frozenset[str] = COMMITTEE_WRITERS
    allowed_write_roles = COMMITTEE_WRITERS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.editing and role_key(request.user) in COMMITTEE_WRITERS:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)


class ConsultationCreateView(CommitteeWriteMixin, PaperPartMixin, ServiceFormView[Consultation]):
    form_class = ConsultationForm
    title = gettext_lazy("Beratung hinzufügen")
    success_message = gettext_lazy("Beratungsfolge gespeichert.")

    def get_initial(self):
        return {"order": self.paper.consultations.count() + 1}

    def perform_save(self, form):
        return services.consultation_save(
            paper=self.paper, consultation=self.object, data=form_data(form), user=self.request.user
        )


class ConsultationResultView(CommitteeWriteMixin, ServiceFormView[Consultation]):
    form_class = ConsultationResultForm
    editing = True
    success_message = gettext_lazy("Ergebnis gespeichert.")

    def get_object(self) -> Consultation:
        return get_object_or_404(
            Consultation.objects.select_related("paper", "meeting__committee").filter(paper__deleted=False),
            pk=self.kwargs["pk"],
        )

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Ergebnis erfassen: %(p)s, %(m)s") % {"p": self.object.paper.number, "m": self.object.meeting}

    def get_return_url(self) -> str | None:
        return self.object.paper.get_absolute_url() if self.object else None

    def perform_save(self, form):
        return services.consultation_record_result(
            consultation=self.object, data=form_data(form), user=self.request.user
        )


# ---------------------------------------------------------------- meetings and committees


class MeetingListView(ScopedTableView):
    model = Meeting
    table_class = MeetingTable
    filterset_class = MeetingFilter
    allowed_roles = STAFF_ROLES
    title = gettext_lazy("Sitzungen")

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.filter(deleted=False).select_related("committee").annotate(item_count=Count("agenda_items"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if role_key(self.request.user) in COMMITTEE_WRITERS:
            ctx["create_url_name"] = "committee:meeting_create"
        return ctx


class MeetingDetailView(ScopedDetailView):
    model = Meeting
    allowed_roles = STAFF_ROLES
    template_name = "committee/meeting/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.filter(deleted=False).select_related("committee")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["items"] = self.object.agenda_items.select_related("paper").order_by("order")
        ctx["can_keep"] = role_key(self.request.user) in COMMITTEE_WRITERS
        ctx["can_record"] = ctx["can_keep"] and self.object.date <= timezone.localdate() and not self.object.cancelled
        ctx["can_change_agenda"] = ctx["can_keep"] and not services.meeting_has_results(self.object)
        ctx["sees_non_public"] = sees_non_public(self.request.user)
        return ctx


class AgendaItemActionView(RoleRequiredMixin, View):
    """Move an agenda item up or down, or remove it: buttons on the meeting page carrying the meeting's
    version. A refused action (results recorded, stale page, first item up) comes back as a message."""

    allowed_roles = COMMITTEE_WRITERS
    action = ""

    def post(self, request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
        meeting = get_object_or_404(Meeting.objects.for_user(request.user).filter(deleted=False), pk=pk)
        item = get_object_or_404(AgendaItem.objects.select_related("meeting"), meeting=meeting, pk=item_pk)
        try:
            version = posted_version(request)
            if self.action == "remove":
                services.agenda_item_remove(item=item, user=request.user, version=version)
                messages.success(request, _("TOP %(n)s entfernt.") % {"n": item.number})
            else:
                services.agenda_item_move(item=item, direction=self.action, user=request.user, version=version)
                messages.success(request, _("Tagesordnung neu geordnet."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return HttpResponseRedirect(meeting.get_absolute_url())


class MeetingResultsView(RoleRequiredMixin, View):
    """The results of every consultation of one meeting on one page (committee staff, A 46). All rows
    are saved together or none: a row the service refuses comes back with its message."""

    allowed_roles = COMMITTEE_WRITERS

    def setup_meeting(self, request: HttpRequest, pk: int) -> None:
        self.meeting = get_object_or_404(
            Meeting.objects.for_user(request.user).filter(deleted=False).select_related("committee"), pk=pk
        )
        self.consultations = list(
            self.meeting.consultations.filter(paper__deleted=False)
            .exclude(paper__status="draft")
            .select_related("paper", "meeting__committee")
            .order_by("paper__number", "order")
        )

    def forms(self, data: QueryDict | None = None) -> list[tuple[Consultation, ConsultationResultForm]]:
        rows = []
        for c in self.consultations:
            form = harmonise_empty_choices(ConsultationResultForm(data, instance=c, prefix=f"c{c.pk}"))
            form.fields["result"].required = False  # an empty row is left as it is
            add_version_field(form, c)  # each row carries the version it was loaded with (no lost update)
            rows.append((c, form))
        return rows

    def page(
        self,
        request: HttpRequest,
        rows: list[tuple[Consultation, ConsultationResultForm]],
        *,
        nothing_chosen: bool = False,
    ) -> HttpResponse:
        return render(
            request,
            "committee/meeting/results.html",
            {
                "title": _("Ergebnisse erfassen: %(m)s") % {"m": self.meeting},
                "meeting": self.meeting,
                "rows": rows,
                "nothing_chosen": nothing_chosen,
            },
        )

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        self.setup_meeting(request, pk)
        return self.page(request, self.forms())

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        self.setup_meeting(request, pk)
        rows = self.forms(request.POST)
        if not any(request.POST.get(form.add_prefix("result")) for _c, form in rows):
            return self.page(request, rows, nothing_chosen=True)
        valid = [form.is_valid() for _c, form in rows]  # every row validated, so every row shows its errors
        if not all(valid):
            for _c, form in rows:
                version_errors_to_top(form)
            return self.page(request, rows)
        if not any(form.cleaned_data.get("result") for _c, form in rows):
            return self.page(request, rows, nothing_chosen=True)
        failed = False
        try:
            with transaction.atomic():
                for consultation, form in rows:
                    if not form.cleaned_data.get("result"):
                        continue
                    try:
                        services.consultation_record_result(
                            consultation=consultation, data=form_data(form), user=request.user
                        )
                    except ValidationError as exc:
                        failed = True
                        apply_service_errors(form, exc)
                if failed:
                    raise ValidationError("rollback")
        except ValidationError:
            return self.page(request, rows)
        messages.success(request, _("Ergebnisse gespeichert."))
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class MeetingBundleView(RoleRequiredMixin, View):
    """The public bundle (the default), or with ``non_public`` the members' bundle with the non-public
    part, only for roles entitled to non-public material (committee.models.sees_non_public)."""

    allowed_roles = STAFF_ROLES
    non_public = False

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        if self.non_public and not sees_non_public(request.user):
            raise PermissionDenied(_("Die nichtöffentliche Sitzungsmappe ist für Ihre Rolle nicht freigegeben."))
        meeting = get_object_or_404(
            Meeting.objects.for_user(request.user).filter(deleted=False).select_related("committee"), pk=pk
        )
        suffix = "-nichtoeffentlich" if self.non_public else ""
        response = pdf_response(
            meeting_bundle_pdf(meeting, public=not self.non_public),
            f"Sitzungsmappe-{meeting.committee.slug}-{meeting.date:%Y-%m-%d}{suffix}.pdf",
        )
        return download_done(request, response)


def download_done(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The busy button (static/js/kim.js) sends ``?fertig=<token>``; the answer sets that token as a
    short-lived cookie, so the page can tell the user the download is ready. Anything but a short
    token of letters and digits is ignored."""
    token = request.GET.get("fertig", "")
    if 0 < len(token) <= 24 and token.isascii() and token.isalnum():
        response.set_cookie(
            "kim_download", token, max_age=120, samesite="Lax", secure=request.is_secure(), httponly=False
        )
    return response


class MeetingCreateView(CommitteeWriteMixin, ServiceFormView[Meeting]):
    form_class = MeetingForm
    title = gettext_lazy("Neue Sitzung")
    cancel_url_name = "committee:meeting_list"
    success_message = gettext_lazy("Sitzung gespeichert.")

    def perform_save(self, form):
        return services.meeting_save(meeting=self.object, data=form_data(form), user=self.request.user)


class MeetingUpdateView(MeetingCreateView):
    model = Meeting
    editing = True
    title = gettext_lazy("Sitzung bearbeiten")


class AgendaItemCreateView(CommitteeWriteMixin, ServiceFormView[AgendaItem]):
    form_class = AgendaItemForm
    title = gettext_lazy("Tagesordnungspunkt")
    success_message = gettext_lazy("Tagesordnungspunkt gespeichert.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and role_key(request.user) in COMMITTEE_WRITERS:
            self.meeting = get_object_or_404(Meeting.objects.for_user(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"order": self.meeting.agenda_items.count() + 1, "number": str(self.meeting.agenda_items.count() + 1)}

    def get_return_url(self) -> str:
        return self.meeting.get_absolute_url()

    def perform_save(self, form):
        return services.agenda_item_save(meeting=self.meeting, data=form_data(form), user=self.request.user)


class CommitteeListView(ScopedTableView):
    """All committees, deactivated ones too (marked): their meetings and history stay."""

    model = Committee
    table_class = CommitteeTable
    filterset_class = None
    allowed_roles = STAFF_ROLES
    title = gettext_lazy("Gremien")
    create_url_name = "committee:committee_create"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.filter(deleted=False).select_related("body").annotate(meeting_count=Count("meetings"))


class CommitteeDetailView(ScopedDetailView):
    model = Committee
    allowed_roles = STAFF_ROLES
    template_name = "committee/committee/detail.html"

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs.filter(deleted=False).select_related("body").annotate(meeting_count=Count("meetings"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.object.name
        ctx["can_keep"] = role_key(self.request.user) in COMMITTEE_WRITERS
        ctx["meetings"] = self.object.meetings.filter(deleted=False).order_by("-date")[:10]
        return ctx


class CommitteeCreateView(CommitteeWriteMixin, ServiceFormView[Committee]):
    form_class = CommitteeForm
    title = gettext_lazy("Neues Gremium")
    cancel_url_name = "committee:committee_list"
    success_message = gettext_lazy("Gremium gespeichert.")

    def perform_save(self, form):
        return services.committee_save(committee=self.object, data=form_data(form), user=self.request.user)


class CommitteeUpdateView(CommitteeCreateView):
    model = Committee
    editing = True
    title = gettext_lazy("Gremium bearbeiten")

    def scoped_queryset(self) -> QuerySet:
        return Committee.objects.filter(deleted=False)
