"""Admin for platform staff: the law library (instruments, requirements with their
versions, the review queue, JSON import and export of the whole library) and a
read-only view of brands' code-of-conduct clauses for support.

Requirements are never edited in place: saving a change records a new version through
``requirement_revise`` (a correction with the same start date, or a new legal version
with a later one), so findings keep the version that was in force on their audit date.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries.filters import CountryFilter

from csr_platform.errors import StateConflict
from csr_platform.models import User
from laws.models import CodeClause, LegalInstrument, Requirement
from laws.parameters import SCHEMAS
from laws.selectors import versions_of
from laws.services import (
    CONTENT_FIELDS,
    legal_instrument_update,
    library_export,
    library_import,
    requirement_create,
    requirement_mark_reviewed,
    requirement_revise,
)

# Far more than a library of every country needs; a bigger upload is the wrong file.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@admin.register(LegalInstrument)
class LegalInstrumentAdmin(admin.ModelAdmin[LegalInstrument]):
    list_display = ["title", "country", "year", "kind", "source_url"]
    list_filter = [("country", CountryFilter), "kind"]
    search_fields = ["title"]
    ordering = ["country", "title"]

    def save_model(
        self,
        request: HttpRequest,
        obj: LegalInstrument,
        form: forms.ModelForm[LegalInstrument],
        change: bool,
    ) -> None:
        if not change:
            return super().save_model(request, obj, form, change)
        # The service rewrites the requirements' search documents after a new title.
        legal_instrument_update(
            instrument=obj, **{name: form.cleaned_data[name] for name in form.changed_data}
        )


def _parameters_help() -> str:
    lines = [
        f"{topic}: {', '.join(item.key for item in schema)}"
        for topic, schema in SCHEMAS.items()
        if schema
    ]
    return _("A JSON object with the topic's keys (a wage also needs its currency). ") + (
        "; ".join(lines)
    )


class RequirementAdminForm(forms.ModelForm[Requirement]):
    """Checks what the version services would refuse, so the refusal appears next to
    the field instead of as an error page after saving."""

    class Meta:
        model = Requirement
        fields = [
            "country",
            "topic",
            "scope",
            "instrument",
            "citation",
            "summary",
            "interpretation",
            "remediation_guidance",
            "parameters",
            "effective_from",
            "effective_to",
            "source_url",
            "source_note",
            "needs_review",
            "review_note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "parameters" in self.fields:
            self.fields["parameters"].help_text = _parameters_help()

    @property
    def _changing(self) -> bool:
        return not self.instance._state.adding

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        unsourced = "source_url" in cleaned and not cleaned["source_url"]
        if unsourced and not cleaned.get("needs_review"):
            self.add_error(
                "source_url", _("A requirement without a source must be flagged for review.")
            )
        if self._changing:
            self._clean_new_start(cleaned.get("effective_from"))
        else:
            self._refuse_a_second_start_on_the_same_day(cleaned)
        return cleaned

    def _clean_new_start(self, start: Any) -> None:
        # self.instance still holds the stored values here; the form's values are copied
        # onto it only after clean().
        current = self.instance
        if start is None or start == current.effective_from:
            return
        if start < current.effective_from:
            self.add_error(
                "effective_from",
                _(
                    "A new version must start after %(date)s. Keep the start date to "
                    "correct the recorded fact."
                )
                % {"date": current.effective_from.isoformat()},
            )
        elif current.superseded_by_id is not None:
            self.add_error(
                "effective_from",
                _("A later version exists already; change that one to record a new version."),
            )

    def _refuse_a_second_start_on_the_same_day(self, cleaned: dict[str, Any]) -> None:
        # Another start date is a version the service links into the series; the same
        # start date would be a second record of one version (change that one instead).
        if (
            not cleaned.get("country")
            or not cleaned.get("topic")
            or not cleaned.get("effective_from")
        ):
            return
        same_day = Requirement.objects.live().filter(
            country=cleaned["country"],
            topic=cleaned["topic"],
            scope=cleaned.get("scope", ""),
            effective_from=cleaned["effective_from"],
        )
        if same_day.exists():
            self.add_error(
                "effective_from",
                _(
                    "A version of this rule starts that day already. Open it and change "
                    "it to correct the recorded fact."
                ),
            )


class LibraryImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Law-library JSON file"),
        help_text=gettext_lazy("A file made by “Export JSON” (at most 5 MB)."),
    )

    def clean_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is %(size).1f MB; the limit is 5 MB.")
                % {"size": upload.size / (1024 * 1024)}
            )
        try:
            document = json.loads(upload.read().decode("utf-8-sig"))
        except ValueError:  # invalid UTF-8 or invalid JSON
            raise ValidationError(
                _("This file is not JSON. Upload a law-library file made by “Export JSON”.")
            ) from None
        if not isinstance(document, dict):
            raise ValidationError(_("This JSON file is not a law-library document."))
        return document


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin[Requirement]):
    form = RequirementAdminForm
    list_display = [
        "country",
        "topic",
        "scope",
        "instrument",
        "citation",
        "effective_from",
        "effective_to",
        "needs_review",
        "last_reviewed",
        "record",
    ]
    list_filter = ["needs_review", "topic", ("country", CountryFilter), "retracted"]
    search_fields = ["summary", "citation", "instrument__title"]
    list_select_related = ["instrument"]
    autocomplete_fields = ["instrument"]
    actions = ["mark_reviewed"]
    fieldsets = (
        (None, {"fields": ("country", "topic", "scope", "instrument", "citation")}),
        (
            gettext_lazy("Content"),
            {"fields": ("summary", "interpretation", "remediation_guidance", "parameters")},
        ),
        (
            gettext_lazy("In force"),
            {
                "description": gettext_lazy(
                    "Saving a change records a new version and keeps this one as history: "
                    "with the same start date it corrects the recorded fact; with a later "
                    "start date it records a change of law, and this version ends the day "
                    "before."
                ),
                "fields": (
                    "effective_from",
                    "effective_to",
                    "superseded_by",
                    "retracted",
                    "version_history",
                ),
            },
        ),
        (
            gettext_lazy("Source and review"),
            {
                "fields": (
                    "source_url",
                    "source_note",
                    "needs_review",
                    "review_note",
                    "last_reviewed",
                    "reviewer",
                )
            },
        ),
        (gettext_lazy("Record"), {"fields": ("created_at", "created_by")}),
    )
    # Derived by the version services (or the review action), never typed in.
    readonly_always = (
        "superseded_by",
        "retracted",
        "version_history",
        "last_reviewed",
        "reviewer",
        "created_at",
        "created_by",
    )
    # What identifies the rule and its period is fixed once recorded.
    readonly_once_recorded = ("country", "topic", "scope", "effective_to")

    def get_readonly_fields(self, request: HttpRequest, obj: Requirement | None = None) -> Any:
        if obj is None:
            return self.readonly_always
        return (*self.readonly_always, *self.readonly_once_recorded)

    def has_change_permission(self, request: HttpRequest, obj: Requirement | None = None) -> bool:
        if obj is not None and obj.retracted:
            return False  # a corrected record is history; change its correction instead
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Requirement | None = None) -> bool:
        # Versions are the library's history and findings cite them; mistakes are
        # corrected by saving a change, which keeps the wrong record as history.
        return False

    @admin.display(description=gettext_lazy("record"))
    def record(self, obj: Requirement) -> str:
        if obj.retracted:
            return _("corrected")
        if obj.superseded_by_id is not None:
            return _("superseded")
        return _("current")

    @admin.display(description=gettext_lazy("versions"))
    def version_history(self, obj: Requirement) -> str:
        if obj._state.adding:
            return "—"
        rows = [
            (
                reverse("admin:laws_requirement_change", args=[version.pk]),
                f"{version.effective_from} – {version.effective_to or '…'}",
                _("corrected") if version.retracted else "",
                _("(this record)") if version.pk == obj.pk else "",
            )
            for version in versions_of(obj)
        ]
        return format_html_join("", '<div><a href="{}">{}</a> {} {}</div>', (row for row in rows))

    # --- Saving: a change is a new version -------------------------------------------

    def save_model(
        self,
        request: HttpRequest,
        obj: Requirement,
        form: forms.ModelForm[Requirement],
        change: bool,
    ) -> None:
        if not change:
            values = {name: getattr(obj, name) for name in form.cleaned_data}
            created = requirement_create(by=_user(request), **values)
            # The admin logs and links the row the service created.
            obj.pk = created.pk
            obj.refresh_from_db()
            obj._state.adding = False
            return
        original = Requirement.objects.get(pk=obj.pk)
        changes = {
            name: getattr(obj, name)
            for name in CONTENT_FIELDS
            if getattr(obj, name) != getattr(original, name)
        }
        later_start = obj.effective_from if obj.effective_from > original.effective_from else None
        new = requirement_revise(
            requirement=original, changes=changes, effective_from=later_start, by=_user(request)
        )
        if new.pk != original.pk:
            # From here on the admin (change message, log entry, redirect) speaks of
            # the new version; the original row stays untouched as history.
            obj.pk = new.pk
            obj.refresh_from_db()

    def response_change(self, request: HttpRequest, obj: Requirement) -> HttpResponse:
        match = request.resolver_match
        edited = unquote(match.kwargs["object_id"]) if match else str(obj.pk)
        if edited == str(obj.pk) or IS_POPUP_VAR in request.POST or "_addanother" in request.POST:
            return super().response_change(request, obj)
        previous = Requirement.objects.get(pk=edited)
        if previous.retracted:
            message = format_html(
                _(
                    "Recorded as a correction: “{obj}” replaces the earlier record, which "
                    "is kept as history."
                ),
                obj=obj,
            )
        else:
            message = format_html(
                _(
                    "Recorded as a new version in force from {start}; the previous version "
                    "now ends on {end}."
                ),
                start=obj.effective_from.isoformat(),
                end=previous.effective_to.isoformat() if previous.effective_to else "—",
            )
        self.message_user(request, message, messages.SUCCESS)
        # Whichever button was pressed, show the version that now holds the change:
        # the page of the edited row would show the old content.
        url = reverse("admin:laws_requirement_change", args=[obj.pk])
        preserved: dict[str, Any] = {
            "preserved_filters": self.get_preserved_filters(request),
            "opts": self.opts,
        }
        return HttpResponseRedirect(add_preserved_filters(preserved, url))

    # --- Review queue ------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Mark as reviewed"), permissions=["change"])
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[Requirement]) -> None:
        reviewed = 0
        skipped: list[str] = []
        for requirement in queryset.select_related("instrument"):
            try:
                requirement_mark_reviewed(requirement=requirement, by=_user(request))
            except StateConflict as exc:
                skipped.append(f"{requirement}: {exc.message}")
            except ValidationError as exc:
                skipped.append(f"{requirement}: {' '.join(exc.messages)}")
            else:
                reviewed += 1
        if reviewed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d requirement marked as reviewed.",
                    "%(count)d requirements marked as reviewed.",
                    reviewed,
                )
                % {"count": reviewed},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d requirement skipped: %(reasons)s",
                    "%(count)d requirements skipped: %(reasons)s",
                    len(skipped),
                )
                % {"count": len(skipped), "reasons": " / ".join(skipped)},
                messages.WARNING,
            )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        changelist_url = reverse("admin:laws_requirement_changelist")
        extra_context = {
            **(extra_context or {}),
            "review_queue_count": Requirement.objects.live().filter(needs_review=True).count(),
            "review_queue_url": f"{changelist_url}?needs_review__exact=1&retracted__exact=0",
        }
        return super().changelist_view(request, extra_context)

    # --- JSON import and export of the whole library -----------------------------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="laws_requirement_export",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="laws_requirement_import",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = json.dumps(library_export(), ensure_ascii=False, indent=2)
        response = HttpResponse(document, content_type="application/json; charset=utf-8")
        filename = f"law-library-{timezone.localdate().isoformat()}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors: list[str] = []
        if request.method == "POST":
            form = LibraryImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = library_import(form.cleaned_data["file"], by=_user(request))
                except ValidationError as exc:
                    errors = exc.messages
                else:
                    self.message_user(
                        request,
                        _(
                            "Law library loaded: %(created)d requirements added, "
                            "%(corrected)d corrected, %(unchanged)d unchanged; "
                            "%(instruments)d instruments added."
                        )
                        % {
                            "created": result.requirements_created,
                            "corrected": result.requirements_corrected,
                            "unchanged": result.requirements_unchanged,
                            "instruments": result.instruments_created,
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:laws_requirement_changelist"))
        else:
            form = LibraryImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import the law library"),
            "form": form,
            "import_errors": errors,
        }
        return TemplateResponse(request, "admin/laws/requirement/import.html", context)


@admin.register(CodeClause)
class CodeClauseAdmin(admin.ModelAdmin[CodeClause]):
    """Read-only: a brand writes its own code (the services check its roles); platform
    staff only look clauses up when supporting a brand."""

    list_display = ["reference", "title", "brand", "category", "topic", "updated_at"]
    list_filter = ["category", "topic"]
    search_fields = ["reference", "title", "text", "brand__name"]
    list_select_related = ["brand"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CodeClause | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CodeClause | None = None) -> bool:
        return False
