"""Data export of one carrier (Art. 20 DSGVO, Datenübertragbarkeit): a ZIP of German Excel CSV files.

Everything the application holds about the organisation, each file filtered by the carrier in the
database (never by a relation that could reach another carrier): the organisation and its users,
posts, occupancies, personnel costs, forwarding contracts, cost plans, own-share requests,
instalments, proofs of use with their documents' metadata (not the files), the case register
(cases, episodes, topics, contacts, referrals), caseload returns with figures and indicator reports
of its posts; plus ``LIESMICH.txt`` (German) describing the files.

One SQL query per file whatever the number of rows: related names come from ``select_related`` /
``values``; the rows are read with ``iterator()`` in chunks and written row by row into the ZIP,
which is spooled to a temporary file, so a large register is never held in memory twice.

The casemanagement models are imported inside the function: ``funding`` and ``casemanagement`` are
siblings (``kim`` ← ``modules`` ← ``funding``, ``casemanagement``); the carrier dashboard does the same.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from casemanagement import models as cm
from casemanagement.models import Dimension
from casemanagement.selectors import CHOICES_BY_DIMENSION, TOTAL_LABELS
from funding import models as fm
from kim.exports import Column, csv_cell
from kim.models import Municipality, Organisation, OrganisationKind, Role, User
from kim.selectors import body_current
from modules.models import Occupancy, PersonnelCost, Post, PostCategory

CHUNK = 2000


def _label(choices) -> Callable[[Any], str]:
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, value or "")


def _pick(key: str, fn: Callable[[Any], Any]) -> Callable[[dict], Any]:
    return lambda row: fn(row.get(key))


@dataclass
class ExportFile:
    name: str
    description: str
    columns: Sequence[Column]
    rows: QuerySet  # a ``values()`` queryset: one query, plain dicts


def _figure_labels() -> dict[tuple[str, str], str]:
    """German names of the return figures' keys, as in the upload format (one query for the municipalities)."""

    labels = {(Dimension.TOTALS.value, k): v for k, v in TOTAL_LABELS.items()}
    for dimension, choices in CHOICES_BY_DIMENSION.items():
        labels.update({(dimension.value, value): str(label) for value, label in choices.choices})
    labels.update(
        {(Dimension.MUNICIPALITY.value, slug): name for slug, name in Municipality.objects.values_list("slug", "name")}
    )
    return labels


def _files(carrier: Organisation) -> list[ExportFile]:

    c = carrier
    figure_labels = _figure_labels()
    date, euro, fte, integer = "date", "euro", "fte", "int"
    post_cols = [Column("Stelle", "post__title")]
    case_cols = [Column("Fallnummer", "case__code")]
    files = [
        ExportFile(
            "organisation.csv",
            "Stammdaten des Trägers.",
            [
                Column("Name", "name"),
                Column("Kurzname", "short_name"),
                Column("Kürzel", "slug"),
                Column("Art", _pick("kind", _label(OrganisationKind.choices))),
                Column("Dachverband", "parent__name"),
                Column("Anschrift", "address"),
                Column("aktiv", _pick("is_active", lambda v: "ja" if v else "nein")),
            ],
            Organisation.objects.filter(pk=c.pk).values(
                "name", "short_name", "slug", "kind", "parent__name", "address", "is_active"
            ),
        ),
        ExportFile(
            "benutzer.csv",
            "Benutzerkonten des Trägers (ohne Passwörter und zweiten Faktor).",
            [
                Column("Benutzername", "username"),
                Column("Vorname", "first_name"),
                Column("Nachname", "last_name"),
                Column("E-Mail", "email"),
                Column("Rolle", _pick("role", _label(Role.choices))),
                Column("aktiv", _pick("is_active", lambda v: "ja" if v else "nein")),
                Column("angelegt am", "date_joined", date),
                Column("zuletzt angemeldet", "last_login", date),
            ],
            User.objects.filter(organisation=c)
            .order_by("username")
            .values("username", "first_name", "last_name", "email", "role", "is_active", "date_joined", "last_login"),
        ),
        ExportFile(
            "stellen.csv",
            "Stellen, deren Anstellungsträger der Träger ist.",
            [
                Column("Modul", "module__number", integer),
                Column("Stelle", "title"),
                Column("Kategorie", _pick("category", _label(PostCategory.choices))),
                Column("VZÄ", "fte", fte),
                Column("Ort", "place__name"),
                Column("Entgeltgruppe", "pay_grade"),
                Column("Beginn", "start", date),
                Column("Ende", "end", date),
                Column("Bemerkungen", "notes"),
            ],
            Post.objects.filter(employer=c)
            .order_by("module__number", "title", "pk")
            .values("module__number", "title", "category", "fte", "place__name", "pay_grade", "start", "end", "notes"),
        ),
        ExportFile(
            "besetzungen.csv",
            "Besetzungen dieser Stellen.",
            [
                *post_cols,
                Column("besetzt ab", "start", date),
                Column("besetzt bis", "end", date),
                Column("VZÄ", "fte", fte),
            ],
            Occupancy.objects.filter(post__employer=c)
            .order_by("post__title", "start", "pk")
            .values("post__title", "start", "end", "fte"),
        ),
        ExportFile(
            "personalkosten.csv",
            "Erfasste Personalkosten der Stellen je Jahr.",
            [
                *post_cols,
                Column("Jahr", "year", integer),
                Column("Personalkosten", "amount", euro),
            ],
            PersonnelCost.objects.filter(post__employer=c)
            .order_by("post__title", "year", "pk")
            .values("post__title", "year", "amount"),
        ),
        ExportFile(
            "weiterleitungsvertraege.csv",
            "Weiterleitungsverträge mit dem Träger.",
            [
                Column("Vertragsnummer", "reference"),
                Column("Jahr", "year", integer),
                *post_cols,
                Column("Förderbescheid", "grant__reference"),
                Column("von", "start", date),
                Column("bis", "end", date),
                Column("Betrag", "amount", euro),
                Column("unterzeichnet am", "signed_on", date),
                Column("Entwurf", _pick("is_draft", lambda v: "ja" if v else "nein")),
                Column("storniert am", "cancelled_at", date),
                Column("Grund der Stornierung", "cancel_reason"),
            ],
            fm.ForwardingContract.objects.filter(carrier=c)
            .order_by("year", "post__title", "pk")
            .values(
                "reference",
                "year",
                "post__title",
                "grant__reference",
                "start",
                "end",
                "amount",
                "signed_on",
                "is_draft",
                "cancelled_at",
                "cancel_reason",
            ),
        ),
        ExportFile(
            "kostenplaene.csv",
            "Kostenpläne der Stellen je Jahr.",
            [
                *post_cols,
                Column("Jahr", "year", integer),
                Column("Personalkosten", "personnel", euro),
                Column("Sach- und Overheadkosten", "material_overhead", euro),
                Column("Entwurf", _pick("is_draft", lambda v: "ja" if v else "nein")),
            ],
            fm.CostPlan.objects.filter(post__employer=c)
            .order_by("year", "post__title", "pk")
            .values("post__title", "year", "personnel", "material_overhead", "is_draft"),
        ),
        ExportFile(
            "eigenanteilsantraege.csv",
            "Anträge des Trägers auf Übernahme des Eigenanteils.",
            [
                Column("Antrag vom", "received_on", date),
                Column("Gegenstand", "subject"),
                Column("Haushaltsjahr", "budget_year", integer),
                Column("beantragt", "requested_amount", euro),
                Column("Status", _pick("status", _label(fm.RequestStatus.choices))),
                Column("bewilligt", "decided_amount", euro),
                Column("entschieden am", "decided_on", date),
            ],
            fm.OwnShareRequest.objects.filter(applicant=c)
            .order_by("received_on", "pk")
            .values(
                "received_on", "subject", "budget_year", "requested_amount", "status", "decided_amount", "decided_on"
            ),
        ),
        ExportFile(
            "zahlungen.csv",
            "Abschläge auf die Weiterleitungsverträge (geplant und gezahlt).",
            [
                Column("Vertragsnummer", "contract__reference"),
                Column("Jahr", "contract__year", integer),
                Column("Stelle", "contract__post__title"),
                Column("fällig am", "due_on", date),
                Column("Betrag", "amount", euro),
                Column("gezahlt am", "paid_on", date),
                Column("storniert am", "cancelled_at", date),
                Column("Grund der Stornierung", "cancel_reason"),
            ],
            fm.CarrierPayment.objects.filter(contract__carrier=c)
            .order_by("due_on", "pk")
            .values(
                "contract__reference",
                "contract__year",
                "contract__post__title",
                "due_on",
                "amount",
                "paid_on",
                "cancelled_at",
                "cancel_reason",
            ),
        ),
        ExportFile(
            "verwendungsnachweise.csv",
            "Verwendungsnachweise zu den Verträgen des Trägers.",
            [
                Column("Nr.", "pk", integer),
                Column("Art", _pick("kind", _label(fm.ProofKind.choices))),
                Column("Vertragsnummer", "contract__reference"),
                Column("Jahr", "contract__year", integer),
                Column("fällig am", "due_on", date),
                Column("Status", _pick("status", _label(fm.ProofStatus.choices))),
                Column("geprüft am", "checked_on", date),
            ],
            fm.ProofObligation.objects.filter(contract__carrier=c)
            .order_by("due_on", "pk")
            .values("pk", "kind", "contract__reference", "contract__year", "due_on", "status", "checked_on"),
        ),
        ExportFile(
            "nachweisdokumente.csv",
            "Hochgeladene Dokumente der Verwendungsnachweise (nur Angaben, nicht die Dateien).",
            [
                Column("Nachweis Nr.", "obligation_id", integer),
                Column("Dokument", _pick("doc_type", _label(fm.ProofDocumentType.choices))),
                Column("Dateiname", "original_name"),
                Column("hochgeladen am", "uploaded_at", date),
            ],
            fm.ProofDocument.objects.filter(obligation__contract__carrier=c)
            .order_by("obligation_id", "uploaded_at", "pk")
            .values("obligation_id", "doc_type", "original_name", "uploaded_at"),
        ),
        ExportFile(
            "faelle.csv",
            "Fallregister: pseudonyme Fälle mit groben Merkmalen (keine Namen, Geburtsdaten, Anschriften).",
            [
                Column("Fallnummer", "code"),
                Column("Stelle", "responsible_post__title"),
                Column("Altersgruppe", _pick("age_band", _label(cm.AgeBand.choices))),
                Column("Geschlecht", _pick("gender", _label(cm.Gender.choices))),
                Column("Kommune", "municipality__name"),
                Column("Aufenthaltsstatus", _pick("residence_status", _label(cm.ResidenceStatus.choices))),
                Column("Rechtskreis", _pick("legal_domain", _label(cm.LegalDomain.choices))),
                Column("Phase", _pick("phase", _label(cm.Phase.choices))),
                Column("eröffnet am", "opened_on", date),
                Column("abgeschlossen am", "closed_on", date),
                Column("Abschlussgrund", _pick("closure_reason", _label(cm.ClosureReason.choices))),
            ],
            cm.Case.objects.filter(carrier=c)
            .order_by("code")
            .values(
                "code",
                "responsible_post__title",
                "age_band",
                "gender",
                "municipality__name",
                "residence_status",
                "legal_domain",
                "phase",
                "opened_on",
                "closed_on",
                "closure_reason",
            ),
        ),
        ExportFile(
            "fallabschnitte.csv",
            "Abschnitte der Fälle (Eröffnung bzw. Wiederaufnahme bis Abschluss).",
            [
                *case_cols,
                Column("Nr.", "number", integer),
                Column("von", "start", date),
                Column("bis", "end", date),
                Column("Abschlussgrund", _pick("closure_reason", _label(cm.ClosureReason.choices))),
                Column("Grund der Wiederaufnahme", _pick("reopening_reason", _label(cm.ReopeningReason.choices))),
            ],
            cm.CaseEpisode.objects.filter(case__carrier=c)
            .order_by("case__code", "number")
            .values("case__code", "number", "start", "end", "closure_reason", "reopening_reason"),
        ),
        ExportFile(
            "fallthemen.csv",
            "Themen der Fälle (eine Zeile je Fall und Thema).",
            [
                *case_cols,
                Column("Thema", _pick("topic", _label(cm.Topic.choices))),
            ],
            cm.CaseTopic.objects.filter(case__carrier=c).order_by("case__code", "topic").values("case__code", "topic"),
        ),
        ExportFile(
            "kontakte.csv",
            "Kontakte je Fall.",
            [
                *case_cols,
                Column("Datum", "date", date),
                Column("Dauer (Minuten)", "duration_minutes", integer),
                Column("Art", _pick("mode", _label(cm.ContactMode.choices))),
            ],
            cm.Contact.objects.filter(case__carrier=c)
            .order_by("case__code", "date", "pk")
            .values("case__code", "date", "duration_minutes", "mode"),
        ),
        ExportFile(
            "verweisungen.csv",
            "Verweisungen je Fall.",
            [
                *case_cols,
                Column("an", _pick("target", _label(cm.ReferralTarget.choices))),
                Column("verwiesen am", "referred_on", date),
                Column("Status", _pick("status", _label(cm.ReferralStatus.choices))),
                Column("Wiedervorlage am", "follow_up_on", date),
            ],
            cm.Referral.objects.filter(case__carrier=c)
            .order_by("case__code", "referred_on", "pk")
            .values("case__code", "target", "referred_on", "status", "follow_up_on"),
        ),
        ExportFile(
            "fallzahlenmeldungen.csv",
            "Monatliche Fallzahlenmeldungen.",
            [
                Column("Jahr", "year", integer),
                Column("Monat", "month", integer),
                *post_cols,
                Column("Status", _pick("status", _label(cm.ReturnStatus.choices))),
                Column("Herkunft", _pick("source", _label(cm.ReturnSource.choices))),
                Column("eingereicht am", "submitted_at", date),
                Column("geprüft am", "reviewed_at", date),
                Column("Anmerkung der Prüfung", "review_note"),
            ],
            cm.CaseloadReturn.objects.filter(carrier=c)
            .order_by("year", "month", "post__title", "pk")
            .values("year", "month", "post__title", "status", "source", "submitted_at", "reviewed_at", "review_note"),
        ),
        ExportFile(
            "meldungszahlen.csv",
            "Festgeschriebene Zahlen der eingereichten Meldungen (eine Zeile je Zahl).",
            [
                Column("Jahr", "caseload_return__year", integer),
                Column("Monat", "caseload_return__month", integer),
                Column("Stelle", "caseload_return__post__title"),
                Column("Bereich", _pick("dimension", _label(cm.Dimension.choices))),
                Column("Merkmal", lambda row: figure_labels.get((row["dimension"], row["key"]), row["key"])),
                Column("Anzahl", "count", integer),
            ],
            cm.ReturnFigure.objects.filter(caseload_return__carrier=c)
            .order_by(
                "caseload_return__year",
                "caseload_return__month",
                "caseload_return__post__title",
                "dimension",
                "key",
                "pk",
            )
            .values(
                "caseload_return__year",
                "caseload_return__month",
                "caseload_return__post__title",
                "dimension",
                "key",
                "count",
            ),
        ),
        ExportFile(
            "kennzahlen.csv",
            "Monatliche Kennzahlen (Module 1 und 3) zu Stellen des Trägers; meist leer, da A 46 sie für eigene Stellen erfasst.",
            [
                *post_cols,
                Column("Jahr", "year", integer),
                Column("Monat", "month", integer),
                *[
                    Column(str(cm.IndicatorReport._meta.get_field(f).verbose_name), f, integer)
                    for f in (
                        "procedures_25a_started",
                        "procedures_25a_granted",
                        "procedures_25b_started",
                        "procedures_25b_granted",
                        "naturalisations_advised",
                        "naturalisations_completed",
                        "events",
                        "trainings",
                        "network_meetings",
                        "participants",
                    )
                ],
            ],
            cm.IndicatorReport.objects.filter(post__employer=c)
            .order_by("year", "month", "post__title")
            .values(
                "post__title",
                "year",
                "month",
                "procedures_25a_started",
                "procedures_25a_granted",
                "procedures_25b_started",
                "procedures_25b_granted",
                "naturalisations_advised",
                "naturalisations_completed",
                "events",
                "trainings",
                "network_meetings",
                "participants",
            ),
        ),
    ]
    return files


def _local(value: Any) -> Any:
    # values() gives aware datetimes in UTC; the files show local time (Europe/Berlin).
    return timezone.localtime(value) if isinstance(value, datetime) and timezone.is_aware(value) else value


def _write_csv(stream, columns: Sequence[Column], rows: Iterable[dict]) -> int:
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([col.header for col in columns])
    n = 0
    for row in rows:
        writer.writerow([csv_cell(_local(col.get(row)), col.kind) for col in columns])
        n += 1
    text.flush()
    text.detach()
    return n


def _body_line() -> str:
    body = body_current()
    return f"{body.name} ({body.lead_department})" if body.lead_department else body.name


def _readme(carrier: Organisation, counts: list[tuple[ExportFile, int]]) -> str:
    now = timezone.localtime().strftime("%d.%m.%Y %H:%M")
    lines = [
        f"Datenexport für {carrier.name}",
        f"erstellt am {now} aus der KIM-Verwaltung · {_body_line()}",
        "",
        "Dieser Export enthält alle Daten, die die KIM-Verwaltung zu Ihrer Organisation speichert",
        "(Recht auf Datenübertragbarkeit, Art. 20 DSGVO). Daten anderer Träger sind nicht enthalten.",
        "",
        "Format: CSV-Dateien für Excel – Trennzeichen Semikolon, UTF-8 mit BOM, Dezimalkomma,",
        "Beträge in Euro ohne Tausenderpunkte, Datumsangaben TT.MM.JJJJ. Die Fallnummer verbindet",
        "die Dateien des Fallregisters, die Stelle (Bezeichnung) die Dateien zu Stellen und Verträgen.",
        "Das Fallregister ist pseudonym: es gibt keine Namen, Geburtsdaten oder Anschriften von Personen.",
        "Hochgeladene Dokumente der Verwendungsnachweise sind nur mit ihren Angaben aufgeführt;",
        "die Dateien selbst können auf der Seite des jeweiligen Nachweises heruntergeladen werden.",
        "",
        "Dateien (Zeilen ohne Kopfzeile):",
    ]
    width = max(len(f.name) for f, _ in counts)
    for f, n in counts:
        lines.append(f"  {f.name.ljust(width)}  {n:>7}  {f.description}")
    lines.append("")
    return "\r\n".join(lines)


def carrier_export_zip(carrier: Organisation):
    """A file object (positioned at 0) with the ZIP; one query per CSV file."""
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    counts = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for f in _files(carrier):
            with archive.open(f.name, "w") as member:
                counts.append((f, _write_csv(member, f.columns, f.rows.iterator(chunk_size=CHUNK))))
        archive.writestr("LIESMICH.txt", ("\ufeff" + _readme(carrier, counts)).encode("utf-8"))
    spool.seek(0)
    return spool
