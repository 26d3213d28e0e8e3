from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kim.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Stellt eine Sicherung (backup) in einer leeren, migrierten Datenbank wieder her."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="ZIP-Datei aus `manage.py backup`")
        parser.add_argument("--replace", action="store_true", help="vorhandene Daten ersetzen")

    def handle(self, *args, archive, replace, **options):
        try:
            manifest = backup_restore(Path(archive), replace=replace)
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wiederhergestellt: {rows} Zeilen, {manifest['media_files']} Dokumente (Stand {manifest['created']})."
            )
        )
