"""Writes for committees, meetings and papers. Every function is atomic; rules raise German errors at the field."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.figures import render_paper
from committee.models import (
    ADOPTED_RESULTS,
    DECISIVE_RESULTS,
    FAILED_RESULTS,
    RECOMMENDATION_RESULTS,
    RECOMMENDING_ROLES,
    AgendaItem,
    Attachment,
    Committee,
    Consultation,
    ConsultationRole,
    DecisionItem,
    Meeting,
    Paper,
    PaperStatus,
    Section,
)
from kim.i18n import german
from kim.models import User
from kim.periods import validate_plausible_dates
from kim.uploads import PDF, validate_document
from kim.versioning import VERSION, check_version

NUMBER = re.compile(r"^([0-9]{4})/([0-9]{4})$")
PAPER_FIELDS = (
    "title",
    "paper_type",
    "public",
    "lead_department",
    "date",
    "programme_year",
    "decision_intro",
    "signature_mode",
    "signatory",
)
VOTE_FIELDS = ("votes_yes", "votes_no", "votes_abstention", "votes_biased")


def _full_clean(obj: Model, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    validate_plausible_dates(obj)


def _require_draft(paper: Paper) -> None:
    if not paper.is_draft:
        raise ValidationError(_("Die Vorlage ist freigegeben; ihr Inhalt kann nicht mehr geändert werden."))


def paper_next_number(*, year: int) -> str:
    """The next free number of the year: highest NNNN of the year + 1 (rows of the year locked)."""
    numbers = Paper.objects.select_for_update().filter(number__startswith=f"{year}/").values_list("number", flat=True)
    highest = max((int(n[5:]) for n in numbers), default=0)
    if highest >= 9999:
        raise ValidationError({"number": _("Für %(year)s sind alle Vorlagennummern vergeben.") % {"year": year}})
    return f"{year}/{highest + 1:04d}"


def _clean_number(raw: str, *, paper_date: date | None) -> str:
    number = (raw or "").strip()
    if not number:
        if paper_date is None:
            raise ValidationError({"date": _("Bitte ein Datum angeben; die Vorlagennummer wird daraus vergeben.")})
        return paper_next_number(year=paper_date.year)
    match = NUMBER.match(number)
    if not match:
        raise ValidationError({"number": _("Die Vorlagennummer muss die Form JJJJ/NNNN haben, z. B. 2020/0354.")})
    if not 2000 <= int(match.group(1)) <= 2100 or int(match.group(2)) == 0:
        raise ValidationError({"number": _("Die Vorlagennummer muss die Form JJJJ/NNNN haben, z. B. 2020/0354.")})
    return number


@transaction.atomic
def paper_save(*, paper: Paper | None = None, data: dict[str, Any], user: User | None = None) -> Paper:
    """Create or edit a paper's head; the number is assigned per year when left empty.

    Only drafts can be edited: a released paper is what the committees decided on.
    """
    if paper is not None:
        paper = check_version(paper, data.get(VERSION))
        _require_draft(paper)
    else:
        paper = Paper()
    number = _clean_number(data.get("number", ""), paper_date=data.get("date"))
    if Paper.objects.filter(number=number).exclude(pk=paper.pk).exists():
        raise ValidationError({"number": _("Diese Vorlagennummer ist bereits vergeben.")})
    paper.number = number
    for name in PAPER_FIELDS:
        if name in data:
            setattr(paper, name, data[name])
    _full_clean(paper)
    try:
        with transaction.atomic():
            paper.save()
    except IntegrityError:  # a concurrent save took the number between the check and the insert
        raise ValidationError({"number": _("Diese Vorlagennummer ist bereits vergeben.")}) from None
    if "related" in data:
        related = [p for p in data["related"] if p.pk != paper.pk]
        paper.related.set(related)
    return paper


def _touch_paper(paper: Paper) -> None:
    """A decision item, section or attachment changed: the paper itself is now a newer version, so a
    release or withdrawal from a page loaded before the change is refused (kim.versioning), and the
    change time moves for OParl and the PDF cache."""
    paper.save(update_fields=["modified"])


@transaction.atomic
def decision_item_save(
    *, paper: Paper, item: DecisionItem | None = None, data: dict[str, Any], user: User | None = None
) -> DecisionItem:
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    _require_draft(paper)
    item = check_version(item, data.get(VERSION)) if item is not None else DecisionItem(paper=paper)
    item.order, item.text = data["order"], data["text"]
    _full_clean(item)
    item.save()
    _touch_paper(paper)
    return item


@transaction.atomic
def section_save(
    *, paper: Paper, section: Section | None = None, data: dict[str, Any], user: User | None = None
) -> Section:
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    _require_draft(paper)
    section = check_version(section, data.get(VERSION)) if section is not None else Section(paper=paper)
    for name in ("order", "heading", "body", "table_kind"):
        setattr(section, name, data.get(name, getattr(section, name)))
    _full_clean(section)
    section.save()
    _touch_paper(paper)
    return section


@transaction.atomic
def attachment_save(*, paper: Paper, data: dict[str, Any], user: User | None = None) -> Attachment:
    """Upload an Anlage: the file must really be a PDF (content, not name) within the size limit."""
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    _require_draft(paper)
    upload = data.get("file")
    if upload is None:
        raise ValidationError({"file": _("Bitte eine PDF-Datei auswählen.")})
    try:
        validate_document(upload, allowed=(PDF,))
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    attachment = Attachment(paper=paper, order=data["order"], title=data["title"], size=upload.size)
    attachment.file = upload
    _full_clean(attachment, exclude=["file"])
    attachment.save()
    _touch_paper(paper)
    return attachment


@transaction.atomic
def paper_release(*, paper: Paper, user: User | None = None, version: int | None = None) -> Paper:
    """Freeze figures and tables into the paper and release it. Refused while a figure is unknown,
    and when the page the button was on showed an older version of the paper."""
    paper = check_version(paper, version)
    _require_draft(paper)
    if not paper.decision_items.exists() and paper.paper_type == "decision":
        raise ValidationError(_("Eine Beschlussvorlage braucht mindestens einen Beschlusspunkt."))
    with german():  # the frozen figures and tables are part of an official German document
        rendered = render_paper(paper, live=True)
        snapshot = rendered.resolver.as_snapshot()
    if rendered.problems:
        raise ValidationError(
            [
                _("Freigabe nicht möglich: %(where)s – %(msg)s") % {"where": p.where, "msg": p.message}
                for p in rendered.problems
            ]
        )
    paper.snapshot = snapshot
    paper.snapshot["taken_at"] = timezone.now().replace(microsecond=0).isoformat()
    paper.status = PaperStatus.RELEASED
    paper.released_at = timezone.now()
    paper.save()
    return paper


@transaction.atomic
def paper_withdraw(*, paper: Paper, user: User | None = None, version: int | None = None) -> Paper:
    """Withdraw a paper: it disappears from the lists; OParl keeps reporting it as deleted."""
    paper = check_version(paper, version)
    if paper.status == PaperStatus.DECIDED:
        raise ValidationError(_("Eine beschlossene Vorlage kann nicht zurückgezogen werden."))
    paper.deleted = True
    paper.save(update_fields=["deleted", "modified"])
    return paper


@transaction.atomic
def committee_save(*, committee: Committee | None = None, data: dict[str, Any], user: User | None = None) -> Committee:
    """Create or edit a committee (also deactivate it: ``is_active``); edits carry the loaded version."""
    committee = check_version(committee, data.get(VERSION)) if committee is not None and committee.pk else Committee()
    for name, value in data.items():
        if name == VERSION:
            continue
        setattr(committee, name, value)
    _full_clean(committee)
    if user is not None and getattr(user, "is_authenticated", False):
        committee._history_user = user  # type: ignore[attr-defined]
    committee.save()
    return committee


@transaction.atomic
def meeting_save(*, meeting: Meeting | None = None, data: dict[str, Any], user: User | None = None) -> Meeting:
    meeting = check_version(meeting, data.get(VERSION)) if meeting is not None else Meeting()
    for name in ("committee", "date", "start_time", "place", "public", "cancelled"):
        if name in data:
            setattr(meeting, name, data[name])
    _full_clean(meeting)
    meeting.save()
    return meeting


@transaction.atomic
def agenda_item_save(
    *, meeting: Meeting, item: AgendaItem | None = None, data: dict[str, Any], user: User | None = None
) -> AgendaItem:
    item = item or AgendaItem(meeting=meeting)
    for name in ("order", "number", "title", "public", "paper"):
        if name in data:
            setattr(item, name, data[name])
    if item.paper is not None and not item.paper.public and item.public:
        raise ValidationError(
            {"public": _("Eine nichtöffentliche Vorlage kann nicht im öffentlichen Teil beraten werden.")}
        )
    _full_clean(item)
    item.save()
    return item


@transaction.atomic
def consultation_save(
    *, paper: Paper, consultation: Consultation | None = None, data: dict[str, Any], user: User | None = None
) -> Consultation:
    """Add or change a step of the Beratungsfolge (meeting and role); results go through consultation_record_result."""
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    if paper.status == PaperStatus.DECIDED:
        raise ValidationError(_("Die Vorlage ist bereits beschlossen; die Beratungsfolge ist abgeschlossen."))
    consultation = (
        check_version(consultation, data.get(VERSION)) if consultation is not None else Consultation(paper=paper)
    )
    for name in ("order", "meeting", "role"):
        if name in data:
            setattr(consultation, name, data[name])
    _full_clean(consultation)
    consultation.save()
    return consultation


def check_result_plausible(consultation: Consultation) -> None:
    """A result fits the kind of consultation and its tally: "empfohlen"/"nicht empfohlen" only for a
    Vorberatung or Empfehlung; an adopted result needs more yes than no votes, a failed one not; all
    votes together (incl. "befangen") at most the committee's voting members when that is known."""
    role, result = consultation.role, consultation.result
    if result in RECOMMENDATION_RESULTS and role not in RECOMMENDING_ROLES:
        raise ValidationError(
            {
                "result": _("„%(r)s“ ist das Ergebnis einer Vorberatung oder Empfehlung, nicht einer %(k)s.")
                % {"r": consultation.get_result_display(), "k": consultation.get_role_display()}
            }
        )
    yes, no = consultation.votes_yes, consultation.votes_no
    if yes is not None and no is not None:
        if result in ADOPTED_RESULTS and yes <= no:
            raise ValidationError(
                {
                    "votes_yes": _(
                        "Mit %(y)s Ja- und %(n)s Nein-Stimmen ist der Antrag nicht angenommen; Ergebnis „%(r)s“ passt nicht."
                    )
                    % {"y": yes, "n": no, "r": consultation.get_result_display()}
                }
            )
        if result in FAILED_RESULTS and yes > no:
            raise ValidationError(
                {
                    "votes_yes": _(
                        "Mit %(y)s Ja- und %(n)s Nein-Stimmen ist der Antrag angenommen; Ergebnis „%(r)s“ passt nicht."
                    )
                    % {"y": yes, "n": no, "r": consultation.get_result_display()}
                }
            )
    members = consultation.meeting.committee.members
    cast = sum(getattr(consultation, name) or 0 for name in VOTE_FIELDS)
    if members is not None and cast > members:
        raise ValidationError(
            {
                "votes_yes": _(
                    "%(c)s Stimmen (Ja, Nein, Enthaltung, befangen) sind mehr, als %(g)s stimmberechtigte Mitglieder hat (%(m)s)."
                )
                % {"c": cast, "g": consultation.meeting.committee, "m": members}
            }
        )


def meeting_has_results(meeting: Meeting) -> bool:
    """Whether any consultation of the meeting has a result: its agenda then stays as it was debated."""
    return Consultation.objects.filter(meeting=meeting).exclude(result="").exists()


def _require_no_results(meeting: Meeting) -> None:
    if meeting_has_results(meeting):
        raise ValidationError(
            _("Für diese Sitzung sind bereits Ergebnisse erfasst; die Tagesordnung kann nicht mehr geändert werden.")
        )


@transaction.atomic
def agenda_item_move(
    *, item: AgendaItem, direction: str, user: User | None = None, version: int | None = None
) -> AgendaItem:
    """Swap an agenda item with its neighbour, position and TOP number, so the numbering stays in order.

    Refused once the meeting has a result, and from a page older than the meeting's version (the
    meeting's version goes up with every change of its agenda)."""
    meeting = check_version(item.meeting, version)
    _require_no_results(meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
    siblings = AgendaItem.objects.select_for_update().filter(meeting=meeting)
    if direction == "up":
        other = siblings.filter(order__lt=item.order).order_by("-order").first()
    elif direction == "down":
        other = siblings.filter(order__gt=item.order).order_by("order").first()
    else:
        raise ValidationError(_("Unbekannte Richtung."))
    if other is None:
        raise ValidationError(_("Der Punkt steht bereits am Rand der Tagesordnung."))
    highest = siblings.order_by("-order").values_list("order", flat=True).first() or 0
    item_order, other_order = item.order, other.order
    # (meeting, order) is unique and not deferrable: park the item behind the last one first.
    item.order = highest + 1
    item.save(update_fields=["order", "modified"])
    other.order, other.number, item.number = item_order, item.number, other.number
    other.save(update_fields=["order", "number", "modified"])
    item.order = other_order
    item.save(update_fields=["order", "number", "modified"])
    meeting.save(update_fields=["modified"])
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, user: User | None = None, version: int | None = None) -> None:
    """Remove an agenda item (its history keeps it); the paper's Beratungsfolge stays as it is."""
    meeting = check_version(item.meeting, version)
    _require_no_results(meeting)
    AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting).delete()
    meeting.save(update_fields=["modified"])


@transaction.atomic
def consultation_record_result(
    *, consultation: Consultation, data: dict[str, Any], user: User | None = None, today: date | None = None
) -> Consultation:
    """Record the result (and votes) of one consultation; the decisive one moves the paper to decided."""
    check_version(consultation, data.get(VERSION))
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("meeting__committee", "paper")
        .get(pk=consultation.pk)
    )
    paper = Paper.objects.select_for_update().get(pk=consultation.paper_id)
    today = today or timezone.localdate()
    if paper.is_draft:
        raise ValidationError(_("Die Vorlage ist noch nicht freigegeben; es kann noch kein Ergebnis erfasst werden."))
    if consultation.meeting.date > today:
        raise ValidationError(
            {
                "result": _("Die Sitzung am %(d)s liegt in der Zukunft; ein Ergebnis kann erst danach erfasst werden.")
                % {"d": consultation.meeting.date.strftime("%d.%m.%Y")}
            }
        )
    result = data.get("result", "")
    if not result:
        raise ValidationError({"result": _("Bitte ein Ergebnis auswählen.")})
    consultation.result = result
    for name in VOTE_FIELDS:
        value = data.get(name)
        if value is not None and value < 0:
            raise ValidationError({name: _("Die Stimmenzahl darf nicht negativ sein.")})
        setattr(consultation, name, value)
    check_result_plausible(consultation)
    _full_clean(consultation)
    consultation.save()
    # A corrected result can also undo the decision (e.g. "vertagt" instead of "beschlossen").
    decided = paper.consultations.filter(role=ConsultationRole.DECISION, result__in=DECISIVE_RESULTS).exists()
    status = PaperStatus.DECIDED if decided else PaperStatus.RELEASED
    if paper.status != status:
        paper.status = status
    # OParl clients synchronise with modified_since: the paper and its agenda items changed with the result.
    paper.save(update_fields=["status", "modified"])
    # Saved one by one (usually a single item) so the change is recorded in the history like every other write.
    for item in AgendaItem.objects.filter(meeting_id=consultation.meeting_id, paper_id=paper.pk):
        item.save(update_fields=["modified"])
    return consultation
