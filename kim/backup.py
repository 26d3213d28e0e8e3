"""Backup and restore of the whole application state: database rows and uploaded documents.

A backup is one ZIP file:
- ``data.json``: every row of the project's apps (including the change history) and of users,
  serialised by Django with natural keys, so it loads into any empty database of the same schema
  (SQLite or PostgreSQL);
- ``media/...``: the uploaded documents (attachments, proof-of-use documents);
- ``manifest.json``: format version, creation time, the applied migrations and a row count per
  model, which the restore checks.

For large production databases ``pg_dump``/``pg_restore`` is the faster path (README); this pair
is database-independent and is what the restore test proves.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
# Rows that are derived or transient and are not part of the state worth restoring.
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry", "kim.loginattempt"}


class BackupError(Exception):
    pass


def _models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in EXCLUDED or model._meta.proxy or not model._meta.managed:
            continue
        yield model


def _migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"))


def backup_create(target: Path) -> dict:
    """Write the backup ZIP to ``target``; returns the manifest."""
    labels = [m._meta.label for m in _models()]
    buffer = io.StringIO()
    with transaction.atomic():  # one consistent snapshot (REPEATABLE READ within the transaction)
        call_command(
            "dumpdata",
            *labels,
            format="json",
            natural_foreign=True,
            natural_primary=False,
            stdout=buffer,
            verbosity=0,
        )
        counts = {m._meta.label_lower: m._default_manager.count() for m in _models()}
        migrations = _migrations()
    media_root = Path(settings.MEDIA_ROOT)
    files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
    manifest = {
        "format": FORMAT_VERSION,
        "created": timezone.now().isoformat(timespec="seconds"),
        "database": connection.vendor,
        "migrations": migrations,
        "counts": {k: v for k, v in counts.items() if v},
        "media_files": len(files),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
        archive.writestr("data.json", buffer.getvalue())
        for path in files:
            archive.write(path, "media/" + path.relative_to(media_root).as_posix())
    return manifest


def _database_is_empty() -> bool:
    return not any(m._default_manager.exists() for m in _models())


def backup_restore(source: Path, *, replace: bool = False) -> dict:
    """Load a backup into this database. Refuses a non-empty database unless ``replace``.

    Everything happens in one transaction: a backup that does not load completely leaves the
    database as it was. The row counts are compared with the manifest before committing.
    """
    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unbekanntes Sicherungsformat {manifest.get('format')!r}.")
        if manifest["migrations"] != _migrations():
            raise BackupError(
                "Die Sicherung stammt von einem anderen Datenbankschema. Bitte zuerst denselben Softwarestand "
                "einspielen und `manage.py migrate` ausführen."
            )
        data = archive.read("data.json").decode("utf-8")
        media = [n for n in archive.namelist() if n.startswith("media/") and not n.endswith("/")]
        with transaction.atomic():
            if not _database_is_empty():
                if not replace:
                    raise BackupError("Die Datenbank ist nicht leer. Zum Ersetzen --replace angeben.")
                for model in reversed(list(_models())):
                    model._default_manager.all()._raw_delete(model._default_manager.db)
            deferred = []
            # Lazily: a natural key is looked up when its row is read, after the rows it refers to.
            for obj in serializers.deserialize("json", data, handle_forward_references=True):
                obj.save()
                if obj.deferred_fields:
                    deferred.append(obj)
            for obj in deferred:
                obj.save_deferred_fields()
            _reset_sequences()
            counts = {m._meta.label_lower: m._default_manager.count() for m in _models()}
            counts = {k: v for k, v in counts.items() if v}
            if counts != manifest["counts"]:
                diff = {
                    k: (manifest["counts"].get(k, 0), counts.get(k, 0))
                    for k in set(counts) | set(manifest["counts"])
                    if counts.get(k, 0) != manifest["counts"].get(k, 0)
                }
                raise BackupError(f"Zeilenzahlen weichen ab (Sicherung, Datenbank): {diff}")
        media_root = Path(settings.MEDIA_ROOT)
        for name in media:
            relative = Path(name).relative_to("media")
            if ".." in relative.parts or relative.is_absolute():
                raise BackupError(f"Unzulässiger Dateipfad in der Sicherung: {name}")
            target = media_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    return manifest


def _reset_sequences() -> None:

    statements = connection.ops.sequence_reset_sql(no_style(), list(_models()))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
