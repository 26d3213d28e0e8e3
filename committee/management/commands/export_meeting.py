from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from committee.models import Meeting
from committee.pdf import meeting_bundle_pdf


class Command(BaseCommand):
    help = (
        "Schreibt die Sitzungsmappe (Tagesordnung und alle öffentlichen Vorlagen) als PDF/A: "
        "export_meeting <Sitzungs-ID> -o mappe.pdf oder export_meeting 2020-06-19 staedteregionsausschuss -o mappe.pdf"
    )

    def add_arguments(self, parser):
        parser.add_argument("meeting", nargs="+", help="Sitzungs-ID oder Datum (JJJJ-MM-TT) und Kürzel des Gremiums")
        parser.add_argument("-o", "--output", required=True, help="Zieldatei (.pdf)")

    def handle(self, *args, meeting: list[str], output: str, **options):
        found = self.find(meeting)
        data = meeting_bundle_pdf(found)
        Path(output).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Sitzungsmappe {found} geschrieben: {output} ({len(data) // 1024} KB)."))

    def find(self, args: list[str]) -> Meeting:
        meetings = Meeting.objects.select_related("committee").filter(deleted=False)
        if len(args) == 1 and args[0].isdigit():
            found = meetings.filter(pk=int(args[0])).first()
            if found is None:
                raise CommandError(f"Keine Sitzung mit der ID {args[0]}.")
            return found
        if len(args) != 2:
            raise CommandError(
                "Bitte eine Sitzungs-ID oder Datum und Gremium angeben, z. B. 2020-06-19 staedteregionsausschuss."
            )
        try:
            day = datetime.strptime(args[0], "%Y-%m-%d").date()
        except ValueError:
            raise CommandError(f"Ungültiges Datum „{args[0]}“ (erwartet JJJJ-MM-TT).") from None
        found = list(meetings.filter(date=day, committee__slug=args[1]))
        if not found:
            raise CommandError(f"Keine Sitzung des Gremiums „{args[1]}“ am {day:%d.%m.%Y}.")
        if len(found) > 1:
            raise CommandError("Mehrere Sitzungen an diesem Tag; bitte die Sitzungs-ID angeben.")
        return found[0]
