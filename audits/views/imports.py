"""The findings import wizard of a draft audit — upload, map the columns, preview, then
import all rows or none — and the template files to fill in.

Between the steps the uploaded file waits in the cache (shared by the web processes in
production), under a random token that only the same membership and audit can use and
that expires after an hour; the session stays small and nothing lands in media storage.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from audits.models import Audit
from audits.services.audits import require_draft, require_recorder
from audits.services.imports import (
    CONTENT_TYPES,
    FIELD_HELP,
    FIELDS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    REQUIRED_FIELDS,
    FindingImportReport,
    ImportRow,
    ImportTable,
    field_label,
    findings_import,
    findings_import_template,
    import_file_content,
    import_mapping_guess,
    import_table_read,
)
from csr_platform.errors import DomainError
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, domain_error_response

STASH_SECONDS = 60 * 60
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Room for the multipart envelope around a file of the largest size accepted.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
# The preview shows the first rows and every row with a problem, up to this many rows:
# enough to check the mapping and fix a file, small enough for a page.
PREVIEW_ROWS = 200
MAX_ROWS_SHOWN = 1_000
SAMPLES = 3

TEMPLATE_UPLOAD = "audits/import_upload.html"
TEMPLATE_MAPPING = "audits/import_mapping.html"
TEMPLATE_PREVIEW = "audits/import_preview.html"


# --- Keeping the file between the steps ------------------------------------------------


@dataclass(frozen=True)
class StashedFile:
    name: str
    content: bytes


def _stash_key(token: str) -> str:
    return f"audits:finding-import:{token}"


def stash_file(*, membership_id: Any, audit_id: Any, name: str, content: bytes) -> str:
    """Keep an uploaded file for the next steps; returns its token."""
    token = secrets.token_urlsafe(24)
    cache.set(
        _stash_key(token),
        {
            "membership": str(membership_id),
            "audit": str(audit_id),
            "name": name,
            "content": content,
        },
        STASH_SECONDS,
    )
    return token


def stashed_file(token: str, *, membership_id: Any, audit_id: Any) -> StashedFile | None:
    """The file kept under ``token`` if it was uploaded by this membership for this
    audit and has not expired; otherwise ``None`` (as if it never existed)."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    kept = cache.get(_stash_key(token))
    if (
        not isinstance(kept, dict)
        or kept.get("membership") != str(membership_id)
        or kept.get("audit") != str(audit_id)
    ):
        return None
    return StashedFile(name=kept["name"], content=kept["content"])


def stash_drop(token: str) -> None:
    if TOKEN_PATTERN.match(token or ""):
        cache.delete(_stash_key(token))


# --- Forms -----------------------------------------------------------------------------


class FindingUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Findings file (CSV or XLSX)"),
        help_text=gettext_lazy("At most 10 MB and 20,000 rows; CSV in UTF-8 or Windows-1252."),
        # Only a hint for the browser's file picker: the content decides (see the service).
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv," + CONTENT_TYPES["xlsx"]}),
    )


def _field_choices() -> list[tuple[str, str]]:
    choices = [("", _("— ignore this column —"))]
    for name in FIELDS:
        label = field_label(name)
        if name in REQUIRED_FIELDS:
            label = _("%(field)s (required)") % {"field": label}
        choices.append((name, label))
    return choices


class ColumnMappingForm(forms.Form):
    """One choice per column of the file: the finding field it fills, or nothing."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, columns: list[str], initial_mapping: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = _field_choices()
        for index, column in enumerate(columns):
            self.fields[f"col-{index}"] = forms.ChoiceField(
                label=column,
                choices=choices,
                required=False,
                initial=initial_mapping.get(column, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data.get(f"col-{index}") or ""
            for index, column in enumerate(self.columns)
        }

    def column_rows(
        self, samples: list[list[str]]
    ) -> list[tuple[str, forms.BoundField, list[str]]]:
        return [
            (column, self[f"col-{index}"], samples[index] if index < len(samples) else [])
            for index, column in enumerate(self.columns)
        ]


def _samples(table: ImportTable) -> list[list[str]]:
    """A few non-empty values of each column, to recognise it by."""
    samples: list[list[str]] = [[] for _column in table.columns]
    for _number, cells in table.rows:
        for index, text in enumerate(cells):
            if text and len(samples[index]) < SAMPLES:
                samples[index].append(text if len(text) <= 60 else text[:59] + "…")
        if all(len(found) >= SAMPLES for found in samples):
            break
    return samples


def _mapping_query(
    token: str, columns: list[str], mapping: dict[str, str]
) -> list[tuple[str, str]]:
    """The token and the mapping as form fields, carried from the preview onwards."""
    return [("token", token)] + [
        (f"col-{index}", mapping.get(column, "")) for index, column in enumerate(columns)
    ]


def _rows_shown(report: FindingImportReport) -> list[ImportRow]:
    shown = [row for index, row in enumerate(report.rows) if index < PREVIEW_ROWS or row.errors]
    return shown[:MAX_ROWS_SHOWN]


# --- Pages -----------------------------------------------------------------------------


class FindingImportPage(TenantPageMixin, View):
    """The wizard. GET: upload (or, with ``token``, the column mapping). POST ``step``:
    ``upload`` keeps the file and goes to the mapping; ``preview`` checks every row
    without storing anything; ``import`` stores all rows or none."""

    required_capability = Capability.RECORD_AUDIT

    audit: Audit

    def _refusal(self) -> HttpResponse | None:
        """403 for another brand's audit, 409 for a final one (the audit is visible)."""
        try:
            require_recorder(self.audit, self.membership)
            require_draft(self.audit)
        except DomainError as exc:
            return domain_error_response(
                self.request, exc, TEMPLATE_UPLOAD, {**self.context(), "blocked": True}
            )
        return None

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "audit": self.audit,
            "columns": [
                (field_label(name), name, name in REQUIRED_FIELDS, FIELD_HELP[name])
                for name in FIELDS
            ],
            "max_rows": number_format(MAX_ROWS, force_grouping=True),
            **extra,
        }

    def _load(self, pk: Any) -> HttpResponse | None:
        self.audit = get_object_or_404(self.visible(Audit).select_related("facility"), pk=pk)
        return self._refusal()

    def upload_page(
        self, form: FindingUploadForm | None = None, *, status: int = 200, **extra: Any
    ) -> HttpResponse:
        context = self.context(form=form or FindingUploadForm(), **extra)
        return render(self.request, TEMPLATE_UPLOAD, context, status=status)

    def mapping_page(
        self, form: ColumnMappingForm, table: ImportTable, name: str, **extra: Any
    ) -> HttpResponse:
        status = extra.pop("status", 200)
        context = self.context(
            form=form, column_rows=form.column_rows(_samples(table)), file_name=name, **extra
        )
        return render(self.request, TEMPLATE_MAPPING, context, status=status)

    def expired(self) -> HttpResponse:
        return self.upload_page(
            status=400,
            action_errors=[_("The uploaded file is no longer available; upload it again.")],
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        refused = self._load(pk)
        if refused is not None:
            return refused
        token = request.GET.get("token", "")
        if not token:
            return self.upload_page()
        kept = stashed_file(token, membership_id=self.membership.pk, audit_id=self.audit.pk)
        if kept is None:
            return self.expired()
        table = import_table_read(kept.content)
        guessed = import_mapping_guess(table.columns)
        form = ColumnMappingForm(
            columns=table.columns, initial_mapping=guessed, initial={"token": token}
        )
        if any(f"col-{index}" in request.GET for index in range(len(table.columns))):
            # Back from the preview to change the mapping: keep what was chosen.
            chosen = ColumnMappingForm(request.GET, columns=table.columns, initial_mapping=guessed)
            if chosen.is_valid():
                form = ColumnMappingForm(
                    columns=table.columns,
                    initial_mapping=chosen.mapping(),
                    initial={"token": token},
                )
        return self.mapping_page(form, table, kept.name)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        refused = self._load(pk)
        if refused is not None:
            return refused
        step = request.POST.get("step")
        if step == "upload":
            return self.receive_file()
        if step in ("preview", "import"):
            return self.check_rows(commit=step == "import")
        return self.upload_page(status=400)

    def receive_file(self) -> HttpResponse:
        request = self.request
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
            # Refused before Django reads the body into a temporary file.
            refused = _("The file is larger than the limit of 10 MB.")
            return self.upload_page(status=400, action_errors=[refused])
        form = FindingUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.upload_page(form, status=400)
        upload = form.cleaned_data["file"]
        try:
            content = import_file_content(upload)
            if not import_table_read(content).rows:
                raise ValidationError(_("The file has no findings: only the header row."))
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            return self.upload_page(form, status=400)
        token = stash_file(
            membership_id=self.membership.pk,
            audit_id=self.audit.pk,
            name=str(upload.name or "")[-120:],
            content=content,
        )
        url = reverse("finding_import", args=[self.audit.pk])
        return redirect(f"{url}?{urlencode({'token': token})}")

    def check_rows(self, *, commit: bool) -> HttpResponse:
        request = self.request
        token = request.POST.get("token", "")
        kept = stashed_file(token, membership_id=self.membership.pk, audit_id=self.audit.pk)
        if kept is None:
            return self.expired()
        table = import_table_read(kept.content)
        form = ColumnMappingForm(
            request.POST,
            columns=table.columns,
            initial_mapping=import_mapping_guess(table.columns),
        )
        if not form.is_valid():
            return self.mapping_page(form, table, kept.name, status=400)
        mapping = form.mapping()
        try:
            report = findings_import(
                audit=self.audit,
                by=self.membership,
                file=kept.content,
                mapping=mapping,
                dry_run=not commit,
            )
        except DomainError as exc:
            return domain_error_response(
                request, exc, TEMPLATE_UPLOAD, {**self.context(), "blocked": True}
            )
        if report.file_errors:
            # The mapping is wrong (a required field unmapped, a field mapped twice):
            # back to the mapping step with the reasons.
            return self.mapping_page(
                form,
                table,
                kept.name,
                status=400,
                action_errors=[error.message for error in report.file_errors],
            )
        if commit and report.ok:
            stash_drop(token)
            messages.success(
                request,
                ngettext(
                    "%(count)s finding imported from %(file)s.",
                    "%(count)s findings imported from %(file)s.",
                    report.created,
                )
                % {"count": number_format(report.created, force_grouping=True), "file": kept.name},
            )
            return redirect("audit_detail", pk=self.audit.pk)
        shown = _rows_shown(report)
        context = self.context(
            report=report,
            rows_shown=shown,
            rows_hidden=len(report.rows) - len(shown),
            errors_shown=report.errors[:MAX_ROWS_SHOWN],
            errors_hidden=max(0, len(report.errors) - MAX_ROWS_SHOWN),
            file_name=kept.name,
            carry=_mapping_query(token, table.columns, mapping),
            remap_query=urlencode(_mapping_query(token, table.columns, mapping)),
            field_labels={name: field_label(name) for name in FIELDS},
        )
        return render(request, TEMPLATE_PREVIEW, context, status=200 if report.ok else 400)


class FindingImportTemplate(TenantPageMixin, View):
    """The import file to fill in, as CSV or XLSX (with the allowed values)."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        try:
            content, content_type, filename = findings_import_template(fmt)
        except ValueError:
            raise Http404 from None
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
