from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from committee.models import Paper
from committee.pdf import paper_pdf


class Command(BaseCommand):
    help = "Schreibt eine Sitzungsvorlage als PDF/A, z. B. export_paper 2020/0354 -o vorlage.pdf"

    def add_arguments(self, parser):
        parser.add_argument("number", help="Vorlagennummer JJJJ/NNNN")
        parser.add_argument("-o", "--output", required=True, help="Zieldatei (.pdf)")
        parser.add_argument(
            "--mit-anlagen",
            action="store_true",
            dest="with_attachments",
            help="Anlagen als PDF/A-3-Dateianhänge einbetten",
        )
        parser.add_argument(
            "--nichtoeffentlich",
            action="store_true",
            dest="non_public",
            help="auch Beratungen in nichtöffentlichen Sitzungen (Fassung für die Verwaltung, nicht zur Veröffentlichung)",
        )

    def handle(self, *args, number: str, output: str, with_attachments: bool, non_public: bool = False, **options):
        paper = Paper.objects.filter(number=number.strip(), deleted=False).first()
        if paper is None:
            raise CommandError(f"Keine Sitzungsvorlage mit der Nummer {number}.")
        data = paper_pdf(paper, with_attachments=with_attachments, public=not non_public)
        Path(output).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Vorlage {paper.number} geschrieben: {output} ({len(data) // 1024} KB)."))
