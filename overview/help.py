"""Help pages ("Hilfe") per area: each figure the area shows, what it means and the rule behind it.

The texts explain; they never show a figure (no amounts, no counts): a help page reads the same for
every year and every carrier. Each entry names the function that computes the figure, so a reader of
the help and a reader of the code mean the same thing. Entries carry the roles that may use the page
the figure is on; carrier staff see only the entries for what they can open, and an area with no
entry for a role is not offered to it (404).

Figure labels on the pages link here with ``{% help_link "area" "anchor" %}`` (kim template tag
``help_url`` resolves the address without knowing this module; the check in
``tests/overview/test_help.py`` makes sure every anchor used in a template exists here).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kim.models import Role, role_key
from kim.selectors import can_manage_accounts

ALL = frozenset({Role.ADMIN, Role.COMMITTEE, Role.READONLY, Role.CARRIER})
STAFF = frozenset({Role.ADMIN, Role.COMMITTEE, Role.READONLY})
A46 = frozenset({Role.ADMIN})
CARRIER = frozenset({Role.CARRIER})
COMMITTEE_WORK = frozenset({Role.ADMIN, Role.COMMITTEE})
ACCOUNTS = "accounts"  # A 46 and carrier administrators (kim.selectors.can_manage_accounts)


@dataclass(frozen=True)
class Entry:
    anchor: str
    label: str | Promise
    text: str | Promise
    rule: str | Promise
    function: str
    roles: frozenset[str] | str = ALL


@dataclass(frozen=True)
class Area:
    slug: str
    title: str | Promise
    intro: str | Promise
    entries: tuple[Entry, ...]


AREAS: tuple[Area, ...] = (
    Area(
        "stellen",
        _("Stellen und Module"),
        _("Die Stellen der drei Module, ihr Umfang (VZÄ), ihre Besetzung und ihre Personalkosten."),
        (
            Entry(
                "vzae",
                _("VZÄ (Stellenanteil)"),
                _("Vollzeitäquivalent: der Anteil einer vollen Stelle, größer als 0 und höchstens 1,0."),
                _("Summen je Modul addieren die VZÄ der Stellen, die am Stichtag laufen (Beginn ≤ Stichtag ≤ Ende)."),
                "modules.selectors.posts_summary_by_module",
            ),
            Entry(
                "stichtag",
                _("Stichtag"),
                _("Der Tag, auf den sich Stellenzahl, VZÄ und Besetzung einer Jahresübersicht beziehen."),
                _("Im laufenden Jahr der heutige Tag, in jedem anderen Jahr der 31.12. dieses Jahres."),
                "modules.selectors.reference_date",
            ),
            Entry(
                "eigen-weitergeleitet",
                _("eigen / weitergeleitet"),
                _(
                    "Eigene Stellen sind bei der Körperschaft selbst oder einem ihrer Ämter angestellt; weitergeleitete "
                    "bei einem Träger oder einer Kommune, an die Fördermittel per Vertrag weitergegeben werden."
                ),
                _("Maßgeblich ist der Anstellungsträger der Stelle."),
                "modules.selectors.post_is_own",
                STAFF,
            ),
            Entry(
                "besetzt",
                _("besetzt / unbesetzt"),
                _("Der am Stichtag besetzte Anteil der Stelle und der Rest bis zu ihren VZÄ."),
                _(
                    "Besetzt ist die Summe der Besetzungen, die am Stichtag laufen, höchstens die VZÄ der Stelle. "
                    "Eine Stelle ohne erfasste Besetzung gilt für ihre Laufzeit als voll besetzt."
                ),
                "modules.selectors.occupied_fte",
            ),
            Entry(
                "personalkosten",
                _("Personalkosten einer Stelle"),
                _("Die Kosten, die für die Förderfähigkeit und die Eigenanteile zählen."),
                _(
                    "Der erfasste Betrag des Jahres, sonst Personalkostensatz der Kategorie × VZÄ, anteilig nach "
                    "den Tagen, an denen die Stelle im Jahr läuft; ohne beides bleibt der Wert leer (unbekannt, nicht 0)."
                ),
                "modules.selectors.post_personnel_cost",
            ),
            Entry(
                "personalbedarf",
                _("Personalbedarf eigener Stellen"),
                _("Was die eigenen Stellen der Körperschaft in einem Jahr an Personal kosten."),
                _("Summe der Personalkosten aller eigenen Stellen des Jahres; weitergeleitete Stellen zählen nicht."),
                "modules.selectors.county_personnel_needs",
                STAFF,
            ),
        ),
    ),
    Area(
        "finanzen",
        _("Finanzen und Förderung"),
        _("Bescheide des Landes, Weiterleitung an Träger, Kostenpläne, Eigenanteile und Haushalt."),
        (
            Entry(
                "anteilig",
                _("anteilig (Teil eines Jahres)"),
                _("Wie ein Jahresbetrag für einen Teil des Jahres gekürzt wird."),
                _(
                    "Die Regel ist eine Eigenschaft des Programms: taggenau (Tage / Tage des Jahres), volle "
                    "Kalendermonate (je 1/12; 01.07.–31.12. ergibt 6/12) oder angefangene Kalendermonate (je 1/12). "
                    "Gerundet wird einmal am Ende auf Cent, kaufmännisch."
                ),
                "kim.periods.prorate_period",
            ),
            Entry(
                "bescheide",
                _("Förderung des Landes (Bescheide)"),
                _("Die Summe der Zuwendungen aus den Förderbescheiden, deren Bewilligungszeitraum im Jahr beginnt."),
                _("Es zählt der Betrag, den das Land geschrieben hat; Entwürfe zählen nicht."),
                "funding.selectors.funding_by_module",
                STAFF,
            ),
            Entry(
                "anspruch",
                _("Anspruch nach Satz (berechnet)"),
                _(
                    "Was ein Bescheid nach den bewilligten VZÄ und dem Fördersatz sein müsste, neben dem "
                    "bewilligten Betrag."
                ),
                _(
                    "Bewilligte VZÄ × Satz des Jahres, anteilig für den Bewilligungszeitraum. Eine Differenz ist ein "
                    "Befund für das Controlling, kein Eingabefehler."
                ),
                "funding.selectors.grant_entitlement",
                STAFF,
            ),
            Entry(
                "weiterleitung",
                _("weitergeleiteter Betrag"),
                _("Der Betrag, den ein Weiterleitungsvertrag für eine Trägerstelle weitergibt."),
                _(
                    "min(tatsächliche Personalkosten, Pauschale × zugeordnete VZÄ), anteilig für den Vertragszeitraum "
                    "nach der Regel des Programms; Sach- und Overheadkosten zählen in Modul 2 nicht."
                ),
                "funding.selectors.forwarding_amount",
            ),
            Entry(
                "weitergeleitet-summe",
                _("an Träger weitergeleitet"),
                _("Die Summe der weitergeleiteten Beträge aller Verträge eines Jahres."),
                _("Summe der Vertragsbeträge des Jahres; Entwürfe aus der Jahresvorbereitung zählen nicht."),
                "funding.selectors.forwarded_total",
                STAFF,
            ),
            Entry(
                "kostenplan",
                _("Kostenplan"),
                _("Die geplanten Kosten einer Trägerstelle für ein Jahr: Personal und Sach-/Overheadkosten."),
                _("Eingabe des Trägers bzw. von A 46; aus ihm folgen förderfähiger Betrag und Lücke."),
                "funding.selectors.own_share_gap",
            ),
            Entry(
                "luecke",
                _("Eigenanteilslücke (Personal)"),
                _("Was die Förderung von den Personalkosten einer Trägerstelle nicht deckt."),
                _(
                    "Personalkosten − förderfähiger Betrag; förderfähig ist min(Personalkosten, Pauschale × VZÄ, "
                    "anteilig). Sach-/Overheadkosten bleiben in Modul 2 zusätzlich ungedeckt."
                ),
                "funding.selectors.own_share_gap",
            ),
            Entry(
                "aufstockung",
                _("Übernahme (Aufstockung je VZÄ)"),
                _("Ein freiwilliger Zuschuss der Körperschaft je VZÄ und Jahr zum Eigenanteil der Träger."),
                _(
                    "Je Trägerstelle höchstens ihre Lücke: min(Lücke, Aufstockung × VZÄ, anteilig). "
                    "Verbleibender Eigenanteil = Personalkosten − weitergeleitet − Aufstockung."
                ),
                "funding.selectors.post_top_up",
            ),
            Entry(
                "empfehlung",
                _("Empfehlung zu einem Antrag"),
                _("Der Betrag, den die Verwaltung zu einem Antrag auf Übernahme des Eigenanteils empfiehlt."),
                _("Summe der Lücken der Stellen des Antragstellers, höchstens der beantragte Betrag."),
                "funding.selectors.own_share_recommended",
                STAFF,
            ),
            Entry(
                "eigenanteil-eigene",
                _("Eigenanteil eigener Stellen"),
                _("Was die Körperschaft für ihre eigenen Stellen selbst trägt, und der Landesanteil in Prozent."),
                _(
                    "Aufwand der eigenen Stellen (Personalkosten, dazu Sach-/Arbeitsplatzkosten aus Kostenplänen) − "
                    "tatsächlich bewilligte Zuwendungen für diese Stellen; Landesanteil = Zuwendungen / Aufwand."
                ),
                "funding.controlling.budget.own_posts_share",
                STAFF,
            ),
            Entry(
                "prognose",
                _("Prognose Landeszuweisungen"),
                _("Die erwarteten Einnahmen vom Land, neben dem Haushaltsansatz gezeigt."),
                _("Summe über die Stellen: Satz × VZÄ, anteilig für den Teil des Jahres, in dem die Stelle läuft."),
                "funding.controlling.budget.land_income_forecast",
                STAFF,
            ),
            Entry(
                "haushalt-ist",
                _("Haushalt: Ist"),
                _("Die tatsächlichen Ein- und Auszahlungen zu einer Haushaltsposition."),
                _(
                    "Einnahmen aus Landeszuweisungen: die erfassten Eingänge des Landes; Weiterleitung: die gezahlten Abschläge an Träger."
                ),
                "funding.controlling.budget.budget_actual",
                STAFF,
            ),
        ),
    ),
    Area(
        "controlling",
        _("Controlling"),
        _("Förderfähigkeit, Rückforderungsrisiken, Zahlungen, Nachweise, Laufzeiten und Doppelförderung."),
        (
            Entry(
                "foerderfaehig",
                _("förderfähig"),
                _("Was einer Stelle in einem Jahr nach den Regeln zusteht."),
                _(
                    "Je Tag des Bewilligungszeitraums der besetzte Anteil (höchstens der zugeordnete) × Pauschale, "
                    "anteilig nach der Regel des Programms; gedeckelt durch die tatsächlichen Personalkosten."
                ),
                "funding.controlling.eligibility.post_eligibility",
                STAFF,
            ),
            Entry(
                "erhalten",
                _("erhalten"),
                _("Der Anteil eines Bescheids, der auf eine Stelle entfällt."),
                _(
                    "Der Bescheid wird nach Anspruch auf seine Zuordnungen verteilt: Satz × zugeordnete VZÄ × Zeitanteil der Zuordnung."
                ),
                "funding.controlling.eligibility.received_shares",
                STAFF,
            ),
            Entry(
                "rueckforderung",
                _("Rückforderungsrisiko (Differenz)"),
                _("Mehr erhalten als förderfähig: dieser Betrag könnte zurückgefordert werden."),
                _(
                    "Erhalten − förderfähig, wenn positiv; mit Ursache: Vakanz, geringerer Umfang, später Beginn, "
                    "vorzeitiges Ende oder Kosten unter der Pauschale."
                ),
                "funding.selectors.repayment_risks",
                STAFF,
            ),
            Entry(
                "doppelfoerderung",
                _("Doppelförderung"),
                _("Ein Stellenanteil, den zwei Programme für überlappende Zeiträume fördern (§ 9 Abs. 4 TIntG)."),
                _(
                    "Zwei Zuordnungen derselben Stelle aus verschiedenen Programmen, deren Zeiträume sich überschneiden."
                ),
                "funding.controlling.selectors.double_funding_conflicts",
                STAFF,
            ),
            Entry(
                "laufzeiten",
                _("Laufzeiten"),
                _("Laufende Stellen, deren Förderung (letzte Zuordnung) oder befristeter Vertrag bald endet."),
                _("Enddatum innerhalb der eingestellten Vorlaufzeiten (in Monaten, z. B. 6 und 12) ab heute."),
                "funding.controlling.selectors.post_timelines",
                STAFF,
            ),
            Entry(
                "was-waere-wenn",
                _("Was-wäre-wenn"),
                _("Rechnet ein anderes Szenario (Satz, VZÄ, Aufstockung) durch, ohne etwas zu speichern."),
                _("Dieselben Regeln wie Weiterleitung und Lücke, mit den eingegebenen Werten statt der gespeicherten."),
                "funding.controlling.selectors.what_if",
                STAFF,
            ),
            Entry(
                "mittelfluss",
                _("Mittelfluss"),
                _("Der Weg des Geldes: Land → Körperschaft → eigene Stellen und Träger."),
                _("Bescheide des Jahres, davon weitergeleitet je Träger, der Rest bei der Körperschaft."),
                "funding.controlling.selectors.programme_flow",
                STAFF,
            ),
            Entry(
                "zahlungen",
                _("Zahlungen: Saldo"),
                _("Was nach einem Vertrag noch zu zahlen ist."),
                _(
                    "Vertragsbetrag − gezahlte Abschläge; ein geplanter Abschlag nach seinem Fälligkeitstag ohne "
                    "Zahlung gilt als überfällig. Mehr als der Vertrag kann nicht erfasst werden."
                ),
                "funding.controlling.selectors.payment_totals",
            ),
            Entry(
                "nachweise",
                _("Verwendungsnachweise: Frist"),
                _("Bis wann der Nachweis über die Verwendung der Mittel vorliegen muss."),
                _(
                    "Die Frist liegt nie vor dem Ende des Zeitraums; Erinnerungen kommen zu den eingestellten "
                    "Tagen vor der Frist, je Nachweis und Schwelle genau einmal."
                ),
                "funding.controlling.selectors.proofs_due_soon",
            ),
        ),
    ),
    Area(
        "fallmanagement",
        _("Fallmanagement"),
        _("Fallregister der Träger, Fallzahlenmeldungen, Statistik und der Schutz kleiner Fallzahlen."),
        (
            Entry(
                "bestand",
                _("Bestand am Anfang / am Ende"),
                _("Die offenen Fälle zu Beginn und am Ende eines Zeitraums."),
                _(
                    "Anfang: vor dem Zeitraum eröffnet und nicht vorher abgeschlossen. Ende: bis zum Ende eröffnet "
                    "und nicht bis dahin abgeschlossen. Im Quartal und Jahr: erster bzw. letzter Monat."
                ),
                "casemanagement.selectors.return_figures_computed",
            ),
            Entry(
                "neuaufnahmen",
                _("Neuaufnahmen / Abschlüsse"),
                _("Die Bewegungen eines Zeitraums."),
                _(
                    "Neuaufnahmen: im Zeitraum eröffnet oder wiederaufgenommen; Abschlüsse: im Zeitraum abgeschlossen. "
                    "Anfang + Neuaufnahmen − Abschlüsse = Ende. Quartal und Jahr sind die Summe der Monate."
                ),
                "casemanagement.selectors.return_figures_computed",
            ),
            Entry(
                "fehlende-meldungen",
                _("fehlende Monatsmeldungen"),
                _("Monate, für die eine Stelle noch keine eingereichte Fallzahlenmeldung hat."),
                _("Jeder abgeschlossene Monat seit Beginn der Stelle (bis zu ihrem Ende) ohne eingereichte Meldung."),
                "casemanagement.selectors.missing_months",
                frozenset({Role.ADMIN, Role.READONLY, Role.CARRIER}),
            ),
            Entry(
                "je-vzae",
                _("Neuaufnahmen je geförderter VZÄ"),
                _("Wie viele neue Fälle auf eine geförderte Vollzeitstelle kommen."),
                _(
                    "Neuaufnahmen / geförderte VZÄ des Trägers (Zuordnungen der Bescheide, anteilig nach Tagen); "
                    "entfällt, wenn die Neuaufnahmen verdeckt sind."
                ),
                "casemanagement.selectors.funded_fte_by_carrier",
                STAFF,
            ),
            Entry(
                "kleine-zahlen",
                _("„<5“ und „•“"),
                _(
                    "Verdeckte Zahlen: niemand außerhalb eines Trägers sieht Zahlen, die auf weniger als fünf Personen zurückgehen."
                ),
                _(
                    "Jede Zahl von 1 bis 4 erscheint als „<5“ (0 bleibt sichtbar). Ließe sie sich aus Summen oder "
                    "anderen Tabellen desselben Jahres errechnen, wird eine weitere Zahl verdeckt („•“)."
                ),
                "casemanagement.selectors.year_protection",
                STAFF,
            ),
            Entry(
                "stand",
                _("Stand der Statistik"),
                _("Der Zeitpunkt, zu dem die gezeigten geschützten Zahlen berechnet wurden."),
                _(
                    "Nach einer Änderung an Meldungen wird neu gerechnet; bis dahin bleibt der letzte vollständig geschützte Stand sichtbar."
                ),
                "casemanagement.snapshots",
                STAFF,
            ),
            Entry(
                "offene-faelle",
                _("offene Fälle je Monat"),
                _("Der Fallbestand des eigenen Trägers an den letzten zwölf Monatsenden."),
                _("Fälle, die bis zum Monatsende eröffnet und nicht bis dahin abgeschlossen sind."),
                "casemanagement.selectors.open_cases_by_month",
                CARRIER,
            ),
            Entry(
                "loeschung",
                _("Löschung nach der Aufbewahrungsfrist"),
                _("Wann ein abgeschlossener Fall samt Kontakten und Verweisungen gelöscht wird."),
                _(
                    "Abschlussdatum + Aufbewahrungsfrist in Monaten; liegt der Tag schon zurück, löscht ihn der "
                    "nächste tägliche Lauf. Eingereichte Meldungen behalten ihre Zahlen."
                ),
                "casemanagement.retention.deletion_date",
                CARRIER,
            ),
        ),
    ),
    Area(
        "gremien",
        _("Gremien und Vorlagen"),
        _("Sitzungsvorlagen, ihre Kennzahlen und Tabellen, Sitzungen und Ergebnisse."),
        (
            Entry(
                "kennzahlen",
                _("Kennzahlen in Vorlagen"),
                _("Beträge im Text einer Vorlage stehen als benannte Kennzahlen und werden aus den Daten berechnet."),
                _(
                    "Jede Kennzahl ruft dieselbe Funktion auf wie die Seiten der Anwendung, für das Bezugsjahr der Vorlage."
                ),
                "committee.figures.render_paper",
            ),
            Entry(
                "eingefroren",
                _("eingefrorene Zahlen"),
                _("Mit der Freigabe werden Kennzahlen und Tabellen einer Vorlage festgehalten."),
                _(
                    "Spätere Datenänderungen ändern eine freigegebene Vorlage nicht; die Vorschau nennt die Abweichungen."
                ),
                "committee.figures.differences",
            ),
            Entry(
                "stimmen",
                _("Stimmen (Ja, Nein, Enthaltungen, befangen)"),
                _(
                    "Das Abstimmungsergebnis einer Beratung; eine erfasste 0 wird gezeigt, ein leeres Feld heißt „nicht erfasst“."
                ),
                _(
                    "Plausibel, wenn die Stimmen zum Ergebnis passen (beschlossen: mehr Ja als Nein) und zusammen "
                    "höchstens die Zahl der stimmberechtigten Mitglieder des Gremiums ergeben."
                ),
                "committee.services.check_result_plausible",
            ),
            Entry(
                "ergebnis",
                _("Ergebnis einer Beratung"),
                _(
                    "Vorberatung und Empfehlung enden mit „empfohlen“ oder „nicht empfohlen“; Entscheidungen mit „beschlossen“, „abgelehnt“ usw."
                ),
                _(
                    "Die entscheidende Beratung setzt die Vorlage auf „beschlossen“; für künftige Sitzungen wird kein Ergebnis erfasst."
                ),
                "committee.services.check_result_plausible",
                COMMITTEE_WORK,
            ),
        ),
    ),
    Area(
        "konten",
        _("Konten und Stammdaten"),
        _("Benutzerkonten, Anmeldung, Organisationen, Kommunen und Sätze."),
        (
            Entry(
                "rollen",
                _("Rollen"),
                _(
                    "A 46 bearbeitet alles außer Einzelfällen; Trägerpersonal sieht nur den eigenen Träger; der "
                    "Sitzungsdienst führt Sitzungen und Ergebnisse; „nur lesen“ sieht wie A 46, ohne zu ändern."
                ),
                _("Jede Seite prüft die Rolle; Objekte eines fremden Trägers antworten wie nicht vorhanden."),
                "kim.models.Role",
            ),
            Entry(
                "wartezeit",
                _("Wartezeit nach Fehlversuchen"),
                _("Nach mehreren falschen Anmeldungen muss man kurz warten, statt gesperrt zu werden."),
                _("Die Wartezeit wächst mit der Zahl der Fehlversuche im Zeitfenster; die Meldung nennt die Sekunden."),
                "kim.security.login_wait_seconds",
            ),
            Entry(
                "kontoprotokoll",
                _("Kontoprotokoll"),
                _("Wer wann welches Konto angelegt, eingeladen, gesperrt oder zurückgesetzt hat, mit Begründung."),
                _(
                    "Jedes Kontoereignis wird gespeichert und nie geändert; Träger-Administration sieht das des eigenen Trägers."
                ),
                "kim.models.AccountEvent",
                ACCOUNTS,
            ),
            Entry(
                "saetze",
                _("Fördersätze (Pauschale je VZÄ)"),
                _(
                    "Der Betrag je Vollzeitstelle und Jahr, je Modul und Kategorie; Daten je Jahr, nie fest im Programm."
                ),
                _(
                    "Alle Beträge eines Jahres rechnen mit dem Satz dieses Jahres; fehlt er, wird das an der Stelle gemeldet."
                ),
                "funding.selectors.rates_for_year",
                STAFF,
            ),
            Entry(
                "organisationen",
                _("Organisationen und Träger"),
                _("Körperschaft, Ämter, Bewilligungsbehörde, Dachverbände und Träger."),
                _("Anstellungsträger, Modul und Kategorie einer Stelle sind fest, solange Geld an ihr hängt."),
                "kim.models.Organisation",
                STAFF,
            ),
        ),
    ),
)

AREAS_BY_SLUG = {area.slug: area for area in AREAS}


def _allowed(entry: Entry, key: str | None, manages_accounts: bool) -> bool:
    if entry.roles == ACCOUNTS:
        return manages_accounts
    return key in entry.roles


def help_entries(*, user, area: Area) -> list[Entry]:
    """The entries of ``area`` for what ``user``'s role can open (carrier staff: only their pages)."""
    key = role_key(user)
    manages = can_manage_accounts(user)
    return [entry for entry in area.entries if _allowed(entry, key, manages)]


def help_areas(*, user) -> list[tuple[Area, list[Entry]]]:
    """The areas with at least one entry for ``user``, in navigation order."""
    pairs = [(area, help_entries(user=user, area=area)) for area in AREAS]
    return [(area, entries) for area, entries in pairs if entries]


def help_anchor_exists(area: str, anchor: str) -> bool:
    return area in AREAS_BY_SLUG and any(e.anchor == anchor for e in AREAS_BY_SLUG[area].entries)
