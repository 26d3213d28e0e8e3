"""Import of organisations (carriers, umbrella associations, departments, authorities …) from a spreadsheet.

The columns are those of the organisation list's export (so that export re-imports unchanged) plus the
optional "Kürzel (URL)" and "Anschrift". A row is matched by its name (unique). The parent is named by name
or short name; it may be a row earlier in the same file. An empty optional cell (or the list's "—") keeps
what is stored; a new organisation without a Kürzel gets one made from its name.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kim.imports import Field, ImportKind, RowProblem
from kim.models import Organisation, OrganisationKind
from kim.services import organisation_save

NAME = "Name"
KIND = "Art"
PARENT = "übergeordnet"
SLUG = "Kürzel (URL)"
EMPTY_MARKS = {"", "—", "–", "-"}


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _blank(text: str | None) -> bool:
    return text is None or text.strip() in EMPTY_MARKS


class OrganisationImport(ImportKind):
    slug = "organisationen"
    title = gettext_lazy("Organisationen")
    fields = (
        Field(NAME, "name", example="Beispiel-Wohlfahrt e. V."),
        Field("Kurzname", "short_name", required=False, max_length=60, example="Beispiel e. V."),
        Field(KIND, "kind", example=str(OrganisationKind.CARRIER.label)),
        Field(PARENT, "parent", required=False, example="AG Wohlfahrt"),
        Field("aktiv", "is_active", "bool", example="ja"),
        Field(SLUG, "slug", required=False, max_length=60, example="beispiel-wohlfahrt"),
        Field("Anschrift", "address", required=False, max_length=250, example="Musterstraße 1, 12345 Beispielstadt"),
    )
    error_columns = {
        "name": NAME,
        "short_name": "Kurzname",
        "kind": KIND,
        "parent": PARENT,
        "slug": SLUG,
        "address": "Anschrift",
        "is_active": "aktiv",
    }
    constraint_columns = {"Name": NAME, "Kürzel": SLUG}

    def prepare(self) -> None:
        self.by_name: dict[str, Organisation] = {}
        self.by_any: dict[str, list[Organisation]] = {}
        for org in Organisation.objects.all():
            self._remember(org)
        self.kinds = {_key(str(label)): value for value, label in OrganisationKind.choices}
        self.kinds.update({_key(value): value for value, _label in OrganisationKind.choices})

    def _remember(self, org: Organisation) -> None:
        self.by_name[_key(org.name)] = org
        for name in {org.name, org.short_name} - {""}:
            bucket = self.by_any.setdefault(_key(name), [])
            if all(o.pk != org.pk for o in bucket):
                bucket.append(org)

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        kind = self.kinds.get(_key(values["kind"]))
        if kind is None:
            raise RowProblem(
                KIND,
                _("„%(v)s“ ist keine Art; möglich: %(k)s.")
                % {"v": values["kind"][:80], "k": ", ".join(str(label) for _v, label in OrganisationKind.choices)},
            )
        data: dict[str, Any] = {"name": values["name"], "kind": kind, "is_active": values["is_active"]}
        if _blank(values["parent"]):
            data["parent"] = None
        else:
            found = self.by_any.get(_key(values["parent"]), [])
            if not found:
                raise RowProblem(
                    PARENT,
                    _("„%(v)s“ ist keine bekannte Organisation (auch nicht weiter oben in der Datei).")
                    % {"v": values["parent"][:80]},
                )
            if len(found) > 1:
                raise RowProblem(
                    PARENT, _("„%(v)s“ ist mehrdeutig; bitte den vollen Namen angeben.") % {"v": values["parent"][:80]}
                )
            data["parent"] = found[0]
        for key in ("short_name", "slug", "address"):
            if not _blank(values[key]):
                data[key] = values[key]
        return data

    def natural_key(self, data: dict[str, Any]) -> tuple:
        return (_key(data["name"]),)

    def label(self, data: dict[str, Any]) -> str:
        return data["name"]

    def find(self, data: dict[str, Any]) -> Organisation | None:
        return self.by_name.get(_key(data["name"]))

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        values = {k: v for k, v in data.items() if k != "parent"}
        values["parent_id"] = data["parent"].pk if data["parent"] is not None else None
        return values

    def save(self, existing: Organisation | None, data: dict[str, Any], user: Any) -> Organisation:
        data = dict(data)
        if existing is None and "slug" not in data:
            data["slug"] = slugify(data["name"])[:60] or "organisation"
        organisation = organisation_save(organisation=existing, data=data, user=user)
        self._remember(organisation)
        return organisation

    def totals(self) -> list[tuple[str, str]]:
        counts = {
            row["kind"]: row["n"]
            for row in Organisation.objects.filter(is_active=True).order_by().values("kind").annotate(n=Count("pk"))
        }
        return [
            (str(label), _("%(n)d aktiv") % {"n": counts.get(value, 0)})
            for value, label in OrganisationKind.choices
            if counts.get(value)
        ]


KINDS: dict[str, type[ImportKind]] = {OrganisationImport.slug: OrganisationImport}
