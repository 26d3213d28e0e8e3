from pathlib import Path

from django.core.management.base import BaseCommand

from kim.backup import backup_create


class Command(BaseCommand):
    help = "Sichert Datenbank und hochgeladene Dokumente in eine ZIP-Datei (Gegenstück: restore)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="Zieldatei, z. B. kim-sicherung.zip")

    def handle(self, *args, output, **options):
        manifest = backup_create(Path(output))
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung geschrieben: {output} ({rows} Zeilen in {len(manifest['counts'])} Tabellen, "
                f"{manifest['media_files']} Dokumente)."
            )
        )
