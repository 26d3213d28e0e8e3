"""The import page of A 46: choose the kind, upload, see the preview (dry run), confirm.

An app's import page subclasses ``ImportView`` with its ``kinds``. The uploaded file is kept in the
session between preview and confirmation (at most ``MAX_IMPORT_BYTES``); the confirmation names the
file's SHA-256, so a confirmation never saves a file other than the one previewed.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from kim.imports import MAX_IMPORT_BYTES, ImportKind, run_import, template_csv, template_xlsx
from kim.views import RoleRequiredMixin

SESSION_KEY = "kim_import"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Art der Daten"))
    file = forms.FileField(
        label=gettext_lazy("Datei"),
        help_text=gettext_lazy(
            "Excel (XLSX) oder CSV (Semikolon, UTF-8), mit der Kopfzeile der Vorlage; höchstens 1 MB."
        ),
    )

    def __init__(self, *args: Any, kinds: dict[str, type[ImportKind]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(slug, kind.title) for slug, kind in kinds.items()]  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Die Datei ist zu groß (höchstens 1 MB)."))
        if upload.size == 0:
            raise forms.ValidationError(_("Die Datei ist leer."))
        return upload


class ImportConfirmForm(forms.Form):
    kind = forms.CharField(max_length=40)
    digest = forms.CharField(max_length=64)


class ImportView(RoleRequiredMixin, View):
    """GET: the form; POST with a file: the preview; POST ``confirm``: save all rows or none."""

    edit = True
    kinds: dict[str, type[ImportKind]] = {}
    url_name = ""
    template_url_name = ""
    title = gettext_lazy("Daten übernehmen")

    def render(self, form: ImportUploadForm, **extra: Any) -> HttpResponse:
        context = {
            "title": self.title,
            "form": form,
            "kinds": [
                (
                    kind.title,
                    reverse(self.template_url_name) + f"?art={slug}&format=xlsx",
                    reverse(self.template_url_name) + f"?art={slug}&format=csv",
                    kind().headers(),
                )
                for slug, kind in self.kinds.items()
            ],
            **extra,
        }
        return TemplateResponse(self.request, "kim/import.html", context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        initial = {"kind": request.GET.get("art")} if request.GET.get("art") in self.kinds else {}
        return self.render(ImportUploadForm(kinds=self.kinds, initial=initial))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "confirm" in request.POST:
            return self.confirm(request)
        form = ImportUploadForm(request.POST, request.FILES, kinds=self.kinds)
        if not form.is_valid():
            return self.render(form)
        slug = form.cleaned_data["kind"]
        content = form.cleaned_data["file"].read(MAX_IMPORT_BYTES + 1)
        kind = self.kinds[slug]()
        result = run_import(kind, content, user=request.user, commit=False)
        digest = hashlib.sha256(content).hexdigest()
        if result.valid:
            request.session[SESSION_KEY] = {
                "kind": slug,
                "digest": digest,
                "content": base64.b64encode(content).decode(),
                "name": form.cleaned_data["file"].name[:120],
            }
        else:
            request.session.pop(SESSION_KEY, None)
        return self.render(
            ImportUploadForm(kinds=self.kinds, initial={"kind": slug}),
            result=result,
            kind_title=kind.title,
            confirm=ImportConfirmForm(initial={"kind": slug, "digest": digest}) if result.valid else None,
        )

    def confirm(self, request: HttpRequest) -> HttpResponse:
        form = ImportConfirmForm(request.POST)
        stored = request.session.get(SESSION_KEY)
        if (
            not form.is_valid()
            or not isinstance(stored, dict)
            or stored.get("kind") != form.cleaned_data["kind"]
            or stored.get("digest") != form.cleaned_data["digest"]
            or stored.get("kind") not in self.kinds
        ):
            upload = ImportUploadForm(kinds=self.kinds)
            return self.render(
                upload,
                stale=_(
                    "Die Vorschau ist abgelaufen oder gehört zu einer anderen Datei. Bitte die Datei erneut hochladen."
                ),
            )
        content = base64.b64decode(stored["content"])
        kind = self.kinds[stored["kind"]]()
        result = run_import(kind, content, user=request.user, commit=True)
        if not result.saved:
            # the data changed since the preview (another user): nothing saved, the new errors shown
            return self.render(
                ImportUploadForm(kinds=self.kinds, initial={"kind": stored["kind"]}),
                result=result,
                kind_title=kind.title,
                confirm=None,
            )
        request.session.pop(SESSION_KEY, None)
        counts = result.counts
        messages.success(
            request,
            _("%(k)s übernommen: %(n)d neu, %(c)d geändert, %(u)d unverändert.")
            % {"k": kind.title, "n": counts["new"], "c": counts["changed"], "u": counts["unchanged"]},
        )
        return HttpResponseRedirect(reverse(self.url_name) + f"?art={stored['kind']}")


class ImportTemplateView(RoleRequiredMixin, View):
    """The empty template of a kind with its German column heads and an example row (XLSX or CSV)."""

    edit = True
    kinds: dict[str, type[ImportKind]] = {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slug = request.GET.get("art", next(iter(self.kinds), ""))
        if slug not in self.kinds:
            raise Http404
        kind = self.kinds[slug]()
        if request.GET.get("format") == "csv":
            response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="vorlage-{slug}.csv"'
        else:
            response = HttpResponse(
                template_xlsx(kind),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="vorlage-{slug}.xlsx"'
        return response
