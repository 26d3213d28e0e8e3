"""Backup and restore: the demo dumped, restored into an emptied database, shows identical figures."""

import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kim.backup import _database_is_empty
from kim.models import User

PAGES = [
    ("a46", "/?year=2021"),
    ("a46", "/?year=2020"),
    ("a46", "/finanzen/eigenanteile/?year=2021"),
    ("a46", "/finanzen/haushalt/?year=2021"),
    ("a46", "/finanzen/weiterleitungen/"),
    ("a46", "/stellen/"),
    ("traeger-caritas", "/"),
]


def snapshot(client) -> dict[str, str]:
    pages = {}
    for username, url in PAGES:
        client.force_login(User.objects.get(username=username))
        html = client.get(url).content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        # the print line carries the time of the request; a restore can fall into the next minute
        html = re.sub(r"gedruckt am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} Uhr", "gedruckt am <Zeitpunkt>", html)
        pages[f"{username} {url}"] = html
    return pages


@pytest.mark.django_db(transaction=True)
def test_demo_restored_into_an_empty_database_shows_the_same_pages(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "nachweise").mkdir(parents=True)
    (tmp_path / "media" / "nachweise" / "sachbericht.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    call_command("load_demo", verbosity=0)
    before = snapshot(client)
    assert "275.000,00" in before["a46 /?year=2021"]  # the figures are there to compare

    archive = tmp_path / "sicherung.zip"
    call_command("backup", output=str(archive), verbosity=0)
    with zipfile.ZipFile(archive) as z:
        assert {"manifest.json", "data.json", "media/nachweise/sachbericht.pdf"} <= set(z.namelist())

    call_command("flush", interactive=False, verbosity=0)
    (tmp_path / "media" / "nachweise" / "sachbericht.pdf").unlink()
    assert _database_is_empty()

    call_command("restore", str(archive), verbosity=0)
    after = snapshot(client)
    for key in before:
        assert after[key] == before[key], f"{key} differs after restore"
    assert (tmp_path / "media" / "nachweise" / "sachbericht.pdf").read_bytes() == b"%PDF-1.4\n%%EOF\n"
    # history came back too, and new rows get fresh ids (sequences reset)
    from modules.models import Post

    post = Post.objects.order_by("pk").first()
    assert post.history.exists()
    post.pk = None
    post.title = "Neue Stelle nach Wiederherstellung"
    post.save()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    call_command("load_demo", verbosity=0)
    archive = tmp_path / "sicherung.zip"
    call_command("backup", output=str(archive), verbosity=0)
    with pytest.raises(CommandError, match="nicht leer"):
        call_command("restore", str(archive), verbosity=0)
