"""Pages of the employer import: upload (dry run), preview with a choice per row, confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.forms import form_field
from crm.mixins import RoleRequiredMixin
from crm.models import Region
from crm.scoping import NETWORK_WRITE
from crm.types import AuthenticatedHttpRequest
from employers.contacts.forms import DescribedFieldsMixin
from employers.importing import (
    CONTACT,
    CREATE,
    FILL,
    SKIP,
    UPDATE,
    ImportFileError,
    check_size,
    import_correct,
    import_discard,
    import_request_confirm,
    import_upload,
    rows_summary,
)
from employers.models import ImportBatch, ImportState

if TYPE_CHECKING:
    from crm.types import AuthUser


class ImportForm(DescribedFieldsMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (semicolon or comma, as Excel saves it) or XLSX, with a header row: Naam, KvK, Postcode, "
            "Plaats, SBI, Grootte, Fase, Contactpersoon, E-mail, Telefoon."
        ),
    )
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=gettext_lazy("Region"), empty_label=None)

    def __init__(self, *args: Any, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "region", forms.ModelChoiceField).queryset = Region.objects.writable_by(user)
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)  # before a byte is read into memory
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class ImportView(RoleRequiredMixin, View):
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    template_name = "employers/import/upload.html"

    def _render(self, request: AuthenticatedHttpRequest, form: ImportForm, status: int = 200) -> HttpResponse:
        form.describe_fields()
        batches = ImportBatch.objects.visible_to(request.user).select_related("created_by")[:10]
        return render(request, self.template_name, {"form": form, "batches": batches}, status=status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self._render(request, ImportForm(user=request.user))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # Stored and queued only: the Celery task reads and checks it (employers/tasks.py).
                batch = import_upload(
                    by=request.user,
                    region=form.cleaned_data["region"],
                    filename=upload.name,
                    raw=upload.read(),
                    language=translation.get_language() or "",
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                return redirect("employers:import-preview", batch.pk)
        return self._render(request, form, status=400)


class ImportPreviewView(RoleRequiredMixin, View):
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    template_name = "employers/import/preview.html"

    def _batch(self, request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
        return get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("region"), pk=pk)

    def get(self, request: AuthenticatedHttpRequest, pk: int, error: str = "", status: int = 200) -> HttpResponse:
        batch = self._batch(request, pk)
        if batch.state in (ImportState.QUEUED, ImportState.CHECKING, ImportState.IMPORTING):
            return render(request, "employers/import/progress.html", {"batch": batch, "refresh_seconds": 2})
        labels = {
            CREATE: _("Create"),
            FILL: _("Fill empty fields only"),
            UPDATE: _("Overwrite with the file (see the changes)"),
            SKIP: _("Skip"),
            CONTACT: _("Add the contact person to the employer of the earlier line"),
        }
        rows = [{**row, "options": [(choice, labels[choice]) for choice in row["choices"]]} for row in batch.rows]
        context = {
            "batch": batch,
            "rows": rows,
            "summary": rows_summary(batch.rows),
            "error": error or batch.error,
            "is_preview": batch.state == ImportState.PREVIEW,
        }
        return render(request, self.template_name, context, status=status)

    def _recheck(self, request: AuthenticatedHttpRequest, batch: ImportBatch) -> HttpResponse:
        """Corrected cells of rows with errors, checked again; the preview shows the outcome."""
        try:
            import_correct(batch=batch, by=request.user, corrections=_corrections(request.POST, batch.rows))
        except ValidationError as error:
            return self.get(request, batch.pk, error=" ".join(error.messages), status=400)
        messages.success(request, _("The corrected rows were checked again."))
        return redirect("employers:import-preview", batch.pk)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        batch = self._batch(request, pk)
        if "discard" in request.POST:
            import_discard(batch=batch, by=request.user)
            messages.success(request, _("The import was discarded; nothing was written."))
            return redirect("employers:import")
        if batch.state != ImportState.PREVIEW:
            return self.get(request, pk, error=_("This import has already been imported or discarded."), status=400)
        if "recheck" in request.POST:
            return self._recheck(request, batch)
        overwrite_all = request.POST.get("overwrite_all") == "1"
        actions = {}
        for row in batch.rows:
            choice = request.POST.get(f"action-{row['line']}", row["choices"][0])
            if overwrite_all and UPDATE in row["choices"] and choice == FILL:
                choice = UPDATE  # "overwrite for all": an explicit choice for every matched row
            actions[row["line"]] = choice
        if not import_request_confirm(batch=batch, by=request.user, actions=actions):
            return self.get(request, pk, error=_("This import has already been imported or discarded."), status=400)
        return redirect("employers:import-preview", batch.pk)


EDITABLE = ("legal_name", "kvk_number", "postcode", "place", "sbi_section", "size_class", "stage", "contact_email")


def _corrections(post: Any, rows: list[dict]) -> dict[int, dict[str, str]]:
    """The edited cells of the rows with errors: ``cell-<line>-<field>`` fields of the form."""
    corrections: dict[int, dict[str, str]] = {}
    for row in rows:
        if not row["errors"]:
            continue
        for field in {*row["errors"], *EDITABLE}:
            value = post.get(f"cell-{row['line']}-{field}")
            if value is not None:
                corrections.setdefault(row["line"], {})[field] = value
    return corrections
