"""Demo: the two committees, their meetings of June 2020 and paper 2020/0354 with its full text.

The text follows the original paper of the StädteRegion Aachen; every amount in it is a named
figure (``{{ forwarded_total }}`` …) computed from the funding demo, so the paper shows what the
data says. The paper is released (figures frozen) and decided as on 19.06.2020. The attachment
(the AG Wohlfahrt's application of 25.05.2020) is a short PDF generated here; its wording is a
reconstruction for the demo, marked as such. 2020/0323 is a stub the paper refers to.

Idempotent: papers, meetings and committees are looked up by their natural keys; an existing
paper is left as it is (a released paper must not change).
"""

from __future__ import annotations

from datetime import date, time

from django.core.files.base import ContentFile
from django.db import transaction

from committee import services
from committee.models import AgendaItem, Committee, CommitteeKind, ConsultationResult, ConsultationRole, Meeting, Paper
from kim.models import Organisation

PLACE = "Haus der StädteRegion, Zollernstraße 10, 52070 Aachen (Sitzungssaal)"

COMMITTEES = [
    ("soziales", "Ausschuss für Soziales, Gesundheit, Senioren und demographischen Wandel", "Sozialausschuss", 2),
    ("staedteregionsausschuss", "Städteregionsausschuss", "Städteregionsausschuss", 1),
]
# The Städteregionsausschuss is the StädteRegion's main committee (Kreisausschuss).
COMMITTEE_KINDS = {"soziales": CommitteeKind.COMMITTEE, "staedteregionsausschuss": CommitteeKind.MAIN_COMMITTEE}

DECISION_INTRO = "Der Städteregionsausschuss trifft folgende Entscheidungen:"

DECISIONS_0354 = [
    "Er begrüßt die Umsetzung des Kommunalen Integrationsmanagements auf der Grundlage der „Nordrhein-Westfälischen Teilhabe- und Integrationsstrategie 2030“ und stellt fest, dass damit die in der Sachlage dargestellte inhaltliche Aufgabenausweitung verbunden ist. Der Beschluss über die finanziellen Auswirkungen der Maßnahme erfolgt im Rahmen der zentralen Vorlage über die Zustimmung zu personellen Mehrbedarfen für das Jahr 2021 (vgl. Sitzungsvorlage 2020/0323).",
    "Er nimmt den der Sitzungsvorlage 2020/0354 als Anlage beigefügten Antrag der Arbeitsgemeinschaft der Verbände der Freien Wohlfahrtspflege StädteRegion Aachen (AG Wohlfahrt) vom 25.05.2020 zur Kenntnis.",
    "Er begrüßt die Verortung von fünf Stellen für das Casemanagement im Rahmen des Kommunalen Integrationsmanagements, Modul 2, bei den Trägern der freien Wohlfahrtsverbände und der Arbeitsplattform Migration.",
    "Er stellt fest, dass im Haushaltsjahr 2020 keine Mittel zur Übernahme der beantragten Eigenanteile der AG Wohlfahrt zur Verfügung stehen. Eine Entscheidung zur Übernahme von Trägeranteilen ab dem Haushaltsjahr 2021 erfolgt im Rahmen der Haushaltsberatungen.",
]

SACHLAGE = """Die Landesregierung hat im Juli 2019 die „Nordrhein-Westfälische Teilhabe- und Integrationsstrategie 2030“ vorgelegt, mit der drei zentrale Zieldimensionen für die Integrationsarbeit im nächsten Jahrzehnt formuliert werden:

- Erstintegration von Neuzugewanderten
- Nachhaltige Integration in die Regelsysteme
- Gestaltung der Migrationsgesellschaft

Mit Hilfe eines Kommunalen Integrationsmanagements (KIM), dessen Einführung das Land NRW ab 2020 in allen Kreisen und kreisfreien Städten flächendeckend fördert, sollen diese Ziele in den nächsten Jahren erreicht werden.

Durch die Einführung des KIM sollen die Kommunen gestärkt und die intra- und interkommunale Zusammenarbeit gefördert werden. Neuzugewanderte sollen schneller integriert werden, gerade in den Phasen des Rechtskreiswechsels ist ein lückenloser Übergang wichtig. Das Kommunale Integrationsmanagement beinhaltet eine stärkere rechtskreisübergreifende Zusammenarbeit zwischen den verschiedenen Ämtern im Sinne einer kommunalen integrierten Steuerung der örtlichen Migrations- und Integrationsprozesse. In diesem Sinne soll auch die Zusammenarbeit zwischen den Ausländer- und Einbürgerungsbehörden und den Kommunalen Integrationszentren gefördert werden.

Im Rahmen des neuen Förderprogrammes werden auch Konzepte zur Einbindung des kreisangehörigen Raums entwickelt. In den nächsten drei Jahren sollen dabei folgende Ziele umgesetzt werden: Implementierung einer strategischen Ebene zur Steuerung, einer operativen Ebene des individuellen Case-Managements und eine Weiterentwicklung der Ansätze der kommunalübergreifenden Zusammenarbeit unter Federführung der StädteRegion Aachen.

Das KIM besteht aus drei verschiedenen Modulen:

- Modul 1: Förderrichtlinie zur Implementierung eines strategischen Kommunalen Integrationsmanagements (strategischer Overhead).
- Modul 2: Fachbezogene Pauschale für Personalstellen, um ein rechtskreisübergreifendes individuelles Case-Management zu implementieren.
- Modul 3: Fachbezogene Pauschale für zusätzliche Personalstellen in den Ausländer- und Einbürgerungsbehörden zur rechtlichen Verstetigung der Integration ausländischer Menschen mit besonderen Integrationsleistungen.

Verbindliche Angaben zu den Förderrichtlinien und Förderkonditionen liegen nur teilweise vor. Das Land NRW hatte zugesagt, die Förderrichtlinien am 16.03.2020 zu veröffentlichen, konnte dies aber bisher nicht realisieren. Es ist von einer langfristigen Förderung durch das Land, analog zur Basisförderung der Kommunalen Integrationszentren, auszugehen.

## Modul 1

Nach derzeitigem Informationsstand soll im Modul 1 eine Förderung der StädteRegion Aachen im Umfang von 3,5 Personalstellen erfolgen, davon 0,5 Verwaltung und 3,0 Sachbearbeitung. Die Sachbearbeiter_innen sollen für die nachfolgend beschriebenen Aufgaben eingesetzt werden:

## Sachbearbeiter_in-Stelle/Fördermittelcontrolling und Projektberatung

Seit dem hohen Zuwachs an Zuwanderung von Geflüchteten ist das Angebot von Projekten und Maßnahmen mit einer Bundes-/Landesförderung kontinuierlich ausgeweitet worden. Hierzu zählen z. B. „KOMM-AN NRW“, „Durchstarten in Ausbildung und Arbeit“ sowie „Gemeinsam klappt’s“. Derzeit ist festzustellen, dass sich rassistische, antisemitische bzw. menschen- und demokratiefeindliche Tendenzen in unserer Gesellschaft verstärken. Es ist zu erwarten, dass in der Konsequenz sowohl im Bereich der Integration als auch im Bereich Bekämpfung von Rassismus, Antisemitismus und Rechtsextremismus weitere Mittel von Bund und Land bereitgestellt werden.

Zu den Aufgaben dieser Stelle gehört es einerseits, Projektmittelakquise zu betreiben. Andererseits ist sicherzustellen, dass alle bisherigen Fördermittel sowie eventuell neu hinzukommende sachgerecht verwendet, klar voneinander abgegrenzt und einwandfrei abgerechnet sowie nachgewiesen werden. Insofern ist der Einsatz einer Fachkraft mit entsprechender Qualifikation erforderlich.

## Sachbearbeiter_in-Stelle/Gesundheit, Migration und Flucht

Lebensumstände wie Bildungsstand, Einkommen usw. haben signifikanten Einfluss auf den Gesundheitszustand und die Inanspruchnahme von Angeboten im Gesundheitssektor. Dies gilt auch für Menschen mit Migrationsbiographie.

Mit Blick auf mögliche Sprachbarrieren, migrationsspezifische Hemmnisse und Sensibilitäten sowie die sonstige (eventuell prekäre) Lebenssituation stellen sie eine besondere Zielgruppe in der Gesundheitsvorsorge dar. Mit der neuen Fachstelle „Migration, Flucht und Gesundheit“ verfolgt die Verwaltung folgende Ziele:

- Förderung eines sensiblen und verständnisvollen Umgangs mit aus den unterschiedlichen Migrationsbiographien resultierenden besonderen Bedürfnissen von Patient_innen/Menschen
- Stärkung der Präventionsarbeit des Öffentlichen Gesundheitsdienstes bei Menschen mit Migrationsbiographie (Brückenfunktion, Niedrigschwelligkeit der Hilfen, Erleichterung von Zugängen)
- zielgruppenorientierte Informations- und Öffentlichkeitsarbeit zum Thema Gesundheit, Altersvorsorge und Beratungsangebote

Ein kultursensibles Verhalten aller an der Gesundheitsversorgung beteiligten Berufsgruppen fördert die Mitarbeit und Therapiebereitschaft der Patient_innen und somit den Behandlungserfolg und kann Unsicherheiten bei allen Beteiligten abbauen. Daraus resultierend, erreicht die Verwaltung eine stetig zunehmende Nachfrage bezüglich Schulungen und Sensibilisierungen zu den Themen „Migration und Integration“ von Fachkräften aus dem Pflege- und Gesundheitssektor. Hierfür sollen Angebote und Maßnahmen entwickelt werden. Die Arbeit findet in enger Abstimmung mit den relevanten Akteur_innen im Gesundheitswesen statt.

## Sachbearbeiter_in-Stelle/Integration durch Sport

In verschiedenen Sozialräumen der StädteRegion Aachen existieren Sportvereine, die mit Moscheegemeinden und Migrantenorganisationen verbunden sind. Diese initiieren aktiv verschiedene und offene Angebote.

Die im Bereich Sport tätigen Ehrenamtlichen und Professionellen müssen durch bedarfsorientierte Qualifizierungen und Schulungen, besonders jedoch im Hinblick auf einen sensibilisierten Umgang mit Familien und ihren migrations- und fluchtbedingten Biographien in ihrer Arbeit unterstützt werden. Ein übergreifender Fachdialog zwischen den verschiedenen Institutionen und Professionen ist in diesem Zusammenhang wünschenswert. So kann Wissen und Erfahrung ressourcenorientiert evaluiert, verwaltet und geteilt werden.

Die verschiedenen Akteur_innen sollen unterstützt und in andere Angebote sowie Maßnahmen mit eingebunden werden. Durch die Anbindung und Nutzbarmachung anderer integrationsbezogener Angebote und Konzepte soll auch der Aufbau einer komplett neuen Infrastruktur vermieden werden.

Mit der neuen Stelle „Integration durch Sport“ verfolgt die Verwaltung folgende Ziele:

- zielgruppenorientierte Informations- und Öffentlichkeitsarbeit zu Themen wie „Integration durch Sport“ und „Migrantensportvereine“
- Fachkräfte im Umgang mit Eltern und Familien mit Flucht- und Migrationserfahrung sensibilisieren
- Ehrenamtliche als Kulturbrücken und Vermittler_innen in ihrer Rolle stärken
- Fachdialog im Hinblick auf „Integration durch und im Sport“ anregen und begleiten

## Modul 2

Das Land NRW fördert die StädteRegion Aachen mit insgesamt 6 Stellen für Casemanagement (ohne Stadt Aachen, hier erfolgt separate Förderung). Die Förderhöhe beträgt {{ rate_per_post }} pro Jahr und Stelle. Der entsprechende Förderbescheid liegt bereits vor.

Diese Stellen sollen dabei durch entsprechende qualifizierte Einzelfallberatung, rechtskreisübergreifend unter Berücksichtigung der individuellen Lebenslage und Bedarfe, die Integration der zugewanderten Menschen voranbringen.

In den Rechtsbereichen mit eigenem Fallmanagement wie SGB II, SGB III sowie SGB VIII findet eine Verweisberatung statt. Die Arbeit der Case-Manager muss sich von anderen Programmen unterscheiden, um Doppelförderungen zu vermeiden. Hierbei sind die Schnittstellen der Rechtskreise und Programme (SGB II, SGB III, SGB VIII, SGB XII sowie Jugendmigrationsdienst, Migrationsberatung für Erwachsene, Teilhabemanager_innen) zu beachten.

Am 11.03.2020 erfolgte ein erstes Gespräch zwischen Stadt Aachen, StädteRegion Aachen, den Verbänden der freien Wohlfahrtsverbände und der Arbeitsplattform Migration. Ein Ergebnis dieses Gesprächs war es, dass die Wohlfahrtsverbände die Bereitschaft gezeigt haben, die Casemanagementstellen einzurichten. Diese sollen ortsnah in den jeweiligen Kommunen eingestellt werden. Vor diesem Hintergrund ist beabsichtigt, {{ forwarded_posts }} Stellen bei den Wohlfahrtsverbänden zu verorten und die Fördermittel entsprechend weiterzuleiten. Eine Stelle soll für die Koordinierung bei der StädteRegion Aachen eingerichtet werden.

Bei Einrichtung von fünf Casemanagement-Stellen würden Landesmittel in Höhe von bis zu {{ forwarded_total }} an die Arbeitsgemeinschaft der Verbände der freien Wohlfahrtspflege für die anfallenden Personalkosten weitergeleitet.

Mit Schreiben vom 25.05.2020 beantragt die Arbeitsgemeinschaft eine Übernahme des verbleibenden Eigenanteils in Höhe von {{ request_amount }} (s. Anlage).

Die Arbeitsgemeinschaft geht bei ihrer Berechnung von Personalaufwendungen in Höhe von {{ carrier_personnel_per_post }} zuzüglich {{ carrier_overhead_per_post }} Sach- und Overheadkosten aus. Das Land fördert keine Overheadkosten, lediglich die tatsächlich anfallenden Personalkosten bis zu einer Höhe von maximal {{ rate_per_post }}. Die entstehende Differenz zwischen dem Planansatz und der Fördersumme des Landes beträgt daher maximal {{ gap_per_post }} pro Stelle.

Die Verwaltung befürwortet die Übernahme des verbleibenden Eigenanteils in Höhe von bis zu {{ gap_per_post }} pro Stelle, insgesamt bis zu {{ recommended_amount }}, und schlägt vor, dass hierüber im Rahmen der Haushaltsberatungen 2021 entschieden wird. Die folgende Übersicht zeigt die Eigenanteile je Trägerstelle (Zuordnung der Stellen zu Trägern beispielhaft):"""

SACHLAGE_MODUL_3 = """Die 1,0 Personalstelle im Modul 3 dient der rechtlichen Verstetigung der Integration ausländischer Menschen mit besonderen Integrationsleistungen. Sie soll bei der Umsetzung der Bleiberechte für gut integrierte Ausländer nach §§ 25a und 25b AufenthG und bei der Förderung von Einbürgerungen gut integrierter Menschen, welche die Einbürgerungsvoraussetzungen erfüllen, unterstützen. Die Personalstelle soll mit dem strategischen Overhead (KIM Modul 1 und 2) und dem Landesprogramm „Durchstarten in Ausbildung und Arbeit“ zusammenarbeiten.

Aufgrund langjähriger Aktivitäten im Bereich Integration verfügt die Verwaltung über vielfältige Kontakte und starke Kooperationen zu Migrant_innen und Migrant_innenorganisationen. Daher besteht ein niedrigschwelliger Zugang zu der Zielgruppe.

Die Fördermittel des Landes für das Jahr 2020 in Höhe von {{ grant_module_3:2020 }} für 1,0 Stelle wurden bereits zur Verfügung gestellt. Die Verwaltung geht davon aus, dass die Aufgabenwahrnehmung ab dem 01.10.2020 erfolgen kann."""

PERSONELL = """vgl. Sachlage

Es handelt sich um befristete Beschäftigungen für die Dauer der Förderzusage durch das Land."""

FINANZIELL = """vgl. Sachlage

Über den entstehenden Personalmehrbedarf für 2021 in Höhe von insgesamt {{ personnel_needs }} wird im Rahmen der Beschlussfassung der zentralen Verwaltungsvorlage für alle Personalmehrbedarfe 2021 in der Sitzung des Städteregionsausschusses am 19.06.2020 entschieden (vgl. Sitzungsvorlagen-Nr.: 2020/0323).

Auf der Ertragsseite wird die Verwaltung im Haushaltsentwurf 2021 Landeszuweisungen in Höhe von insgesamt {{ budget_income_planned }} im Teilprodukt 946100 bei SK 414100 „Zuweisungen und Zuschüsse für lfd. Zwecke v. Land“ berücksichtigen sowie auf der Aufwandsseite die Weiterleitung der Mittel in Höhe von {{ forwarded_total }} an die Träger der freien Wohlfahrtspflege für die Wahrnehmung der Aufgaben des Casemanagement.

Des Weiteren ist von einer langfristigen Förderung durch das Land, analog zur Basisförderung der Kommunalen Integrationszentren, auszugehen („Prinzip der Jährlichkeit“)."""

SOZIAL = """Die neuen Stellen im Rahmen des KIM begünstigen die Teilhabechancen und eine bessere Integration von Menschen mit internationaler Biographie. Im Zentrum stehen dabei individuell verbesserte Bildungschancen und niedrigschwellig angelegte Zugänge zum Arbeitsmarkt. Menschen, die sich für die deutsche Staatsbürgerschaft entscheiden, entwickeln im Zusammenleben innerhalb unserer Einwanderungsgesellschaft eine dauerhafte Zugehörigkeit und stärken somit auch den gesellschaftlichen Zusammenhalt."""

SECTIONS_0354 = [
    ("Sachlage", SACHLAGE, "own_share_gaps"),
    ("Sachlage, Modul 3", SACHLAGE_MODUL_3, ""),
    ("Personelle Auswirkungen", PERSONELL, "posts_by_employer"),
    ("Finanzielle/bilanzielle Auswirkungen", FINANZIELL, "budget_lines"),
    ("Soziale Auswirkungen", SOZIAL, ""),
]

ATTACHMENT_TITLE = "Antrag der Arbeitsgemeinschaft der Verbände der Freien Wohlfahrtspflege vom 25.05.2020"

ATTACHMENT_HTML = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 25mm 20mm; }
body { font: 11pt "Liberation Sans", "DejaVu Sans", sans-serif; line-height: 1.4; }
.from { font-size: 9pt; border-bottom: 0.5pt solid #000; margin-bottom: 12mm; }
.note { font-size: 8pt; color: #555; margin-top: 20mm; }
</style></head><body>
<div class="from">Arbeitsgemeinschaft der Verbände der Freien Wohlfahrtspflege StädteRegion Aachen</div>
<p>StädteRegion Aachen<br>A 46 – Kommunales Integrationszentrum<br>Zollernstraße 10<br>52070 Aachen</p>
<p style="text-align:right">25.05.2020</p>
<p><strong>Kommunales Integrationsmanagement, Modul 2 – Antrag auf Übernahme des verbleibenden Eigenanteils</strong></p>
<p>Sehr geehrte Damen und Herren,</p>
<p>die in der Arbeitsgemeinschaft zusammengeschlossenen Verbände sind bereit, fünf Stellen für das
rechtskreisübergreifende Case Management ortsnah in den Kommunen der StädteRegion einzurichten.
Wir kalkulieren je Stelle Personalaufwendungen von 64.000 € zuzüglich 6.000 € Sach- und
Overheadkosten. Die Landesförderung deckt hiervon höchstens 55.000 € je Stelle.</p>
<p>Wir beantragen daher die Übernahme des verbleibenden Eigenanteils in Höhe von 100.000 €.</p>
<p>Mit freundlichen Grüßen<br>für die Arbeitsgemeinschaft</p>
<p class="note">Demo-Dokument: für die KIM-Verwaltung nachgestellt, nicht der Originalantrag.</p>
</body></html>"""


def attachment_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string=ATTACHMENT_HTML).write_pdf()


def _committee(slug: str, name: str, short: str, order: int, body: Organisation) -> Committee:
    committee, _ = Committee.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "short_name": short, "order": order, "body": body, "kind": COMMITTEE_KINDS[slug]},
    )
    return committee


def _meeting(committee: Committee, day: date, start: time) -> Meeting:
    meeting, _ = Meeting.objects.get_or_create(
        committee=committee, date=day, start_time=start, defaults={"place": PLACE, "public": True}
    )
    return meeting


def _agenda(
    meeting: Meeting, order: int, number: str, title: str, paper: Paper | None = None, public: bool = True
) -> None:
    if not AgendaItem.objects.filter(meeting=meeting, order=order).exists():
        services.agenda_item_save(
            meeting=meeting, data={"order": order, "number": number, "title": title, "paper": paper, "public": public}
        )


def _paper_0323(a46: Organisation, meeting: Meeting) -> Paper:
    paper = Paper.objects.filter(number="2020/0323").first()
    if paper is not None:
        return paper
    paper = services.paper_save(
        data={
            "number": "2020/0323",
            "title": "Zustimmung zu personellen Mehrbedarfen für das Jahr 2021",
            "paper_type": "decision",
            "public": True,
            "lead_department": a46,
            "date": date(2020, 5, 28),
            "programme_year": 2021,
            "decision_intro": DECISION_INTRO,
            "signature_mode": "im_auftrag",
            "signatory": "Dr. Ziemons",
        }
    )
    services.decision_item_save(
        paper=paper,
        data={
            "order": 1,
            "text": "Er stimmt den in der Sachlage dargestellten personellen Mehrbedarfen für das Jahr 2021 zu.",
        },
    )
    services.section_save(
        paper=paper,
        data={
            "order": 1,
            "heading": "Sachlage",
            "body": "Auszug (Demo): Für das Kommunale Integrationsmanagement entsteht 2021 ein Personalmehrbedarf der eigenen Stellen von insgesamt {{ personnel_needs }} für {{ personnel_needs_fte }} VZÄ (vgl. Sitzungsvorlage 2020/0354).",
            "table_kind": "",
        },
    )
    services.consultation_save(paper=paper, data={"order": 1, "meeting": meeting, "role": "entscheidung"})
    services.paper_release(paper=paper)
    consultation = paper.consultations.get()
    services.consultation_record_result(consultation=consultation, data={"result": ConsultationResult.UNCHANGED})
    return paper


def _paper_0354(a46: Organisation, preliminary: Meeting, decisive: Meeting, related: Paper) -> Paper:
    paper = Paper.objects.filter(number="2020/0354").first()
    if paper is not None:
        return paper
    paper = services.paper_save(
        data={
            "number": "2020/0354",
            "title": "Kommunales Integrationsmanagement im Rahmen der Nordrhein-Westfälischen Teilhabe- und Integrationsstrategie 2030",
            "paper_type": "decision",
            "public": True,
            "lead_department": a46,
            "date": date(2020, 6, 3),
            "programme_year": 2021,
            "decision_intro": DECISION_INTRO,
            "signature_mode": "im_auftrag",
            "signatory": "Dr. Ziemons",
            "related": [related],
        }
    )
    for order, text in enumerate(DECISIONS_0354, start=1):
        services.decision_item_save(paper=paper, data={"order": order, "text": text})
    for order, (heading, body, table) in enumerate(SECTIONS_0354, start=1):
        services.section_save(paper=paper, data={"order": order, "heading": heading, "body": body, "table_kind": table})
    services.attachment_save(
        paper=paper,
        data={
            "order": 1,
            "title": ATTACHMENT_TITLE,
            "file": ContentFile(attachment_pdf(), name="antrag-ag-wohlfahrt-2020-05-25.pdf"),
        },
    )
    services.consultation_save(
        paper=paper, data={"order": 1, "meeting": preliminary, "role": ConsultationRole.PRELIMINARY}
    )
    services.consultation_save(paper=paper, data={"order": 2, "meeting": decisive, "role": ConsultationRole.DECISION})
    services.paper_release(paper=paper)
    final = paper.consultations.get(order=2)
    services.consultation_record_result(consultation=final, data={"result": ConsultationResult.UNCHANGED})
    return paper


@transaction.atomic
def load() -> dict[str, int]:
    county = Organisation.objects.get(slug="staedteregion-aachen")
    a46 = Organisation.objects.get(slug="a46")
    committees = {slug: _committee(slug, name, short, order, county) for slug, name, short, order in COMMITTEES}
    social = _meeting(committees["soziales"], date(2020, 6, 17), time(17, 0))
    main = _meeting(committees["staedteregionsausschuss"], date(2020, 6, 19), time(15, 0))
    p0323 = _paper_0323(a46, main)
    p0354 = _paper_0354(a46, social, main, p0323)
    _agenda(social, 1, "1", "Eröffnung der Sitzung und Feststellung der Tagesordnung")
    _agenda(social, 2, "2", "Kommunales Integrationsmanagement (KIM)", p0354)
    _agenda(social, 3, "3", "Mitteilungen der Verwaltung")
    _agenda(main, 1, "1", "Eröffnung der Sitzung und Feststellung der Tagesordnung")
    _agenda(main, 2, "2", "Zustimmung zu personellen Mehrbedarfen für das Jahr 2021", p0323)
    _agenda(main, 3, "3", "Kommunales Integrationsmanagement (KIM)", p0354)
    _agenda(main, 4, "4", "Mitteilungen der Verwaltung")
    _agenda(main, 5, "5", "Personalangelegenheiten", public=False)
    return {"committees": len(committees), "papers": Paper.objects.count()}
