"""Import of posts and occupancies from a spreadsheet (kim/imports.py does the reading and checking).

Natural keys: a post is its module and title (as in the demo data); an occupancy is its post and start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kim.imports import Field, ImportKind, RowProblem
from kim.models import Municipality, Organisation
from kim.money import format_fte
from modules.models import Module, Occupancy, Post, PostCategory
from modules.selectors import posts_summary_by_module
from modules.services import occupancy_save, post_save


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def organisations_by_name() -> dict[str, list[Organisation]]:
    """Active organisations by name and by short name (lower case); a short name may name several."""
    result: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.filter(is_active=True):
        for name in {org.name, org.short_name} - {""}:
            bucket = result.setdefault(_key(name), [])
            if org not in bucket:
                bucket.append(org)
    return result


def pick_organisation(orgs: dict[str, list[Organisation]], name: str, column: str) -> Organisation:
    found = orgs.get(_key(name), [])
    if not found:
        raise RowProblem(column, _("„%(v)s“ ist keine bekannte Organisation (Name oder Kurzname).") % {"v": name[:80]})
    if len(found) > 1:
        raise RowProblem(column, _("„%(v)s“ ist mehrdeutig; bitte den vollen Namen angeben.") % {"v": name[:80]})
    return found[0]


def pick_module(modules: dict[int, Module], number: int, column: str) -> Module:
    if number not in modules:
        raise RowProblem(column, _("Modul %(n)s gibt es nicht (nur 1 bis 3).") % {"n": number})
    return modules[number]


def posts_by_key() -> dict[tuple[int, str], Post]:
    return {(p.module.number, _key(p.title)): p for p in Post.objects.select_related("module")}


def pick_post(posts: dict[tuple[int, str], Post], module: int, title: str, column: str) -> Post:
    post = posts.get((module, _key(title)))
    if post is None:
        raise RowProblem(
            column, _("Eine Stelle „%(t)s“ im Modul %(m)s gibt es nicht.") % {"t": title[:80], "m": module}
        )
    return post


CATEGORY_COLUMN = "Kategorie"


def module_totals(years: set[int], figure: Callable[[Any], str]) -> list[tuple[str, str]]:
    """Preview totals: per module with posts, on the cut-off day of each (at most five) imported year, the
    figure ``figure`` reads from its summary (posts_summary_by_module)."""
    result = []
    for year in sorted(years)[:5]:
        summaries, on = posts_summary_by_module(year=year)
        for s in summaries:
            if s.posts:
                label = _("Modul %(m)s, Stichtag %(d)s") % {"m": s.number, "d": on.strftime("%d.%m.%Y")}
                result.append((label, figure(s)))
    return result


class PostImport(ImportKind):
    slug = "stellen"
    title = gettext_lazy("Stellen")
    fields = (
        Field("Modul", "module", "int", example="2"),
        Field("Bezeichnung", "title", example="Case Management Beispielstadt"),
        Field(CATEGORY_COLUMN, "category", example="Case Management"),
        Field("VZÄ", "fte", "decimal3", example="1,000"),
        Field("Anstellungsträger", "employer", example="Caritasverband Beispielstadt e. V."),
        Field("Einsatzort", "place", required=False, example=""),
        Field("Entgeltgruppe", "pay_grade", required=False, max_length=30, example="EG 10 TVöD"),
        Field("Beginn", "start", "date", example="01.07.2020"),
        Field("Ende", "end", "date", required=False, example="30.06.2022"),
        Field("Bemerkungen", "notes", required=False, max_length=1000, example=""),
    )
    error_columns = {
        "module": "Modul",
        "title": "Bezeichnung",
        "category": CATEGORY_COLUMN,
        "fte": "VZÄ",
        "employer": "Anstellungsträger",
        "place": "Einsatzort",
        "pay_grade": "Entgeltgruppe",
        "start": "Beginn",
        "end": "Ende",
        "notes": "Bemerkungen",
    }
    constraint_columns = {"Stellenanteil": "VZÄ", "Ende": "Ende"}

    def prepare(self) -> None:
        self.modules = {m.number: m for m in Module.objects.all()}
        self.orgs = organisations_by_name()
        self.places = {_key(m.name): m for m in Municipality.objects.all()}
        self.categories = {_key(str(label)): value for value, label in PostCategory.choices}
        self.categories.update({value: value for value in PostCategory.values})
        self.posts = posts_by_key()
        self.years: set[int] = set()

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        data = dict(values)
        data["module"] = pick_module(self.modules, values["module"], "Modul")
        category = self.categories.get(_key(values["category"]))
        if category is None:
            raise RowProblem(
                CATEGORY_COLUMN,
                _("„%(v)s“ ist keine Kategorie; erlaubt: %(c)s.")
                % {"v": values["category"][:60], "c": ", ".join(str(label) for _v, label in PostCategory.choices)},
            )
        data["category"] = category
        data["employer"] = pick_organisation(self.orgs, values["employer"], "Anstellungsträger")
        if values["place"]:
            place = self.places.get(_key(values["place"]))
            if place is None:
                raise RowProblem("Einsatzort", _("„%(v)s“ ist keine bekannte Kommune.") % {"v": values["place"][:80]})
            data["place"] = place
        else:
            data["place"] = None
        self.years.add(values["start"].year)
        return data

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (data["module"].number, _key(data["title"]))

    def label(self, data: dict[str, Any]) -> str:
        return f"{data['title']} (Modul {data['module'].number})"

    def find(self, data: dict[str, Any]) -> Post | None:
        return self.posts.get(self.natural_key(data))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def save(self, existing: Post | None, data: dict[str, Any], user: Any) -> Post:
        post = post_save(post=existing, data=data, user=user)
        self.posts[self.natural_key(data)] = post
        return post

    def totals(self) -> list[tuple[str, str]]:
        return module_totals(
            self.years,
            lambda s: (
                ngettext("%(n)d Stelle, %(f)s VZÄ", "%(n)d Stellen, %(f)s VZÄ", s.posts)
                % {"n": s.posts, "f": format_fte(s.fte)}
            ),
        )


class OccupancyImport(ImportKind):
    slug = "besetzungen"
    title = gettext_lazy("Besetzungen")
    fields = (
        Field("Modul", "module", "int", example="2"),
        Field("Stelle", "post", example="Case Management Beispielstadt"),
        Field("besetzt ab", "start", "date", example="01.07.2020"),
        Field("besetzt bis", "end", "date", required=False, example="30.06.2022"),
        Field("VZÄ", "fte", "decimal3", example="1,000"),
    )
    error_columns = {"post": "Stelle", "start": "besetzt ab", "end": "besetzt bis", "fte": "VZÄ"}
    constraint_columns = {"Anteil": "VZÄ", "Ende": "besetzt bis"}

    def prepare(self) -> None:
        self.posts = posts_by_key()
        self.existing = {(o.post_id, o.start): o for o in Occupancy.objects.all()}
        self.years: set[int] = set()

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        post = pick_post(self.posts, values["module"], values["post"], "Stelle")
        self.years.add(values["start"].year)
        return {"post": post, "start": values["start"], "end": values["end"], "fte": values["fte"]}

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (data["post"].pk, data["start"])

    def label(self, data: dict[str, Any]) -> str:
        return _("%(p)s ab %(d)s") % {"p": data["post"].title, "d": data["start"].strftime("%d.%m.%Y")}

    def find(self, data: dict[str, Any]) -> Occupancy | None:
        return self.existing.get(self.natural_key(data))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"end": data["end"], "fte": data["fte"]}

    def save(self, existing: Occupancy | None, data: dict[str, Any], user: Any) -> Occupancy:
        occupancy = occupancy_save(
            post=data["post"], occupancy=existing, data=self.model_values(data) | {"start": data["start"]}, user=user
        )
        self.existing[self.natural_key(data)] = occupancy
        return occupancy

    def totals(self) -> list[tuple[str, str]]:
        return module_totals(
            self.years,
            lambda s: _("%(o)s von %(f)s VZÄ besetzt") % {"o": format_fte(s.occupied_fte), "f": format_fte(s.fte)},
        )


KINDS: dict[str, type[ImportKind]] = {k.slug: k for k in (PostImport, OccupancyImport)}
