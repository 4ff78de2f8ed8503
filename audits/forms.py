"""Forms of the audit and finding pages.

The forms only shape and type what a user typed; the rules (who may record, which law
version a finding cites, which dates are consistent, what a final audit allows) stay
in ``audits.services`` so the pages and the API refuse exactly the same things. A
service's ``ValidationError`` is put back next to its field with
``ServiceForm.add_service_errors``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from audits.models import Audit, Finding
from audits.services.audits import AMENDABLE_AUDIT_FIELDS, AUDIT_FIELDS, MAX_REPORT_BYTES
from audits.services.findings import FINDING_FIELDS
from csr_platform.models import Membership
from laws.checks import MEASURES
from laws.models import CodeClause, Requirement
from laws.taxonomy import FindingCategory, Severity
from suppliers.forms import DateInput, ServiceForm
from suppliers.models import Facility

YES, NO = "yes", "no"


def _date(label: Any, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DateInput(), input_formats=["%Y-%m-%d"]
    )


def _text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def category_choices() -> list[tuple[str, str]]:
    # The code leads so people who know the taxonomy find it by typing "HOURS".
    return [(value, f"{value} — {label}") for value, label in FindingCategory.choices]


MEASURE_LABELS: dict[str, Any] = {m.key: m.label for m in MEASURES}
MEASURE_UNITS: dict[str, str] = {m.key: m.unit for m in MEASURES}


# --- Audits ----------------------------------------------------------------------------


class FacilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.country.code})"


class AuditFieldsForm(ServiceForm):
    """The fields of an audit that stay editable (and amendable once it is final)."""

    scheme = forms.ChoiceField(label=_("Scheme"), choices=Audit.Scheme.choices)
    audit_type = forms.ChoiceField(label=_("Type"), choices=Audit.Type.choices)
    announcement = forms.ChoiceField(
        label=_("Announcement"), choices=Audit.Announcement.choices, initial="announced"
    )
    audit_firm = forms.CharField(label=_("Audit firm"), max_length=200, required=False)
    lead_auditor = forms.CharField(label=_("Lead auditor"), max_length=200, required=False)
    workers_interviewed = forms.IntegerField(
        label=_("Workers interviewed"), min_value=0, required=False
    )
    reference = forms.CharField(
        label=_("Report number"),
        max_length=80,
        required=False,
        help_text=_("The audit firm's reference."),
    )
    summary = forms.CharField(label=_("Summary"), widget=_text_area(4), required=False)

    def audit_values(self, names: tuple[str, ...]) -> dict[str, Any]:
        """The cleaned values of ``names`` as the services take them."""
        values: dict[str, Any] = {}
        for name in names:
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            values[name] = value.strip() if isinstance(value, str) else value
        return values


class AuditForm(AuditFieldsForm):
    """Recording (or editing) a draft audit, with the auditor's report file."""

    field_order = [
        "facility",
        "start_date",
        "end_date",
        "scheme",
        "audit_type",
        "announcement",
        "audit_firm",
        "lead_auditor",
        "workers_interviewed",
        "reference",
        "summary",
        "report_file",
    ]

    facility = FacilityChoiceField(
        label=_("Facility"),
        queryset=Facility.objects.none(),
        empty_label=_("Choose a facility"),
        help_text=_("Facilities on your list. Add a facility first if it is missing."),
    )
    start_date = _date(_("First day on site"), required=True)
    end_date = _date(_("Last day on site"), required=True)
    report_file = forms.FileField(
        label=_("Auditor's report"),
        required=False,
        help_text=_("PDF or Word (.docx), at most %(size)s MB.")
        % {"size": MAX_REPORT_BYTES // (1024 * 1024)},
    )

    def __init__(
        self, *args: Any, membership: Membership, with_facility: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if with_facility:
            self.fields["facility"].queryset = (  # type: ignore[attr-defined]
                Facility.objects.visible_to(membership).order_by("name", "pk")
            )
        else:
            # The facility of an audit does not change; record a new audit instead.
            del self.fields["facility"]
        self.order_fields(self.field_order)

    @classmethod
    def for_audit(cls, audit: Audit, membership: Membership) -> AuditForm:
        return cls(
            membership=membership,
            with_facility=False,
            initial={name: getattr(audit, name) for name in AUDIT_FIELDS},
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return cleaned

    def service_values(self) -> dict[str, Any]:
        return self.audit_values(AUDIT_FIELDS)


class AuditAmendForm(AuditFieldsForm):
    """Correcting a final audit: the amendable fields and why."""

    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=_text_area(2),
        help_text=_("Kept with the change: who, when, why, and every value from → to."),
    )

    field_order = ["reason", *AMENDABLE_AUDIT_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)

    @classmethod
    def for_audit(cls, audit: Audit) -> AuditAmendForm:
        return cls(initial={name: getattr(audit, name) for name in AMENDABLE_AUDIT_FIELDS})

    def service_values(self) -> dict[str, Any]:
        return self.audit_values(AMENDABLE_AUDIT_FIELDS)


# --- Findings --------------------------------------------------------------------------


class RequirementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        scope = f" [{obj.scope}]" if obj.scope else ""
        summary = obj.summary if len(obj.summary) <= 90 else obj.summary[:89] + "…"
        return f"{obj.get_topic_display()}{scope} · {obj.reference} — {summary}"


class CodeClauseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} {obj.title}"


def requirements_for(audit: Audit, current: Requirement | None = None) -> QuerySet[Requirement]:
    """The requirement picker: the rules in force on the audit's first day in the
    facility's country (and the version a finding already cites, should it have been
    corrected since)."""
    in_force = Requirement.objects.in_force(audit.start_date).filter(country=audit.facility.country)
    condition = Q(pk__in=in_force.values("pk"))
    if current is not None:
        condition |= Q(pk=current.pk)
    return (
        Requirement.objects.filter(condition)
        .select_related("instrument")
        .order_by("topic", "scope", "instrument__title", "citation")
    )


class FindingForm(ServiceForm):
    """One finding of a draft audit, as ``finding_create``/``finding_update`` take it."""

    # No preselected category or severity: a finding filed under the first choice
    # by accident would be a wrong record that nobody notices.
    category = forms.ChoiceField(
        label=_("Category"), choices=lambda: [("", _("Choose a category")), *category_choices()]
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("Choose a severity")), *Severity.choices]
    )
    description = forms.CharField(label=_("Description"), widget=_text_area(3))
    requirement = RequirementChoiceField(
        label=_("Law requirement"),
        queryset=Requirement.objects.none(),
        required=False,
        empty_label=_("None cited"),
        help_text=_("Rules in force on the audit date in the facility's country."),
    )
    code_clause = CodeClauseChoiceField(
        label=_("Code of conduct clause"),
        queryset=CodeClause.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    scheme_reference = forms.CharField(
        label=_("Scheme reference"),
        max_length=80,
        required=False,
        help_text=_("e.g. SMETA 6.1, amfori PA 6, RBA A3."),
    )
    workers_affected = forms.IntegerField(label=_("Workers affected"), min_value=0, required=False)
    extent = forms.ChoiceField(
        label=_("Isolated or systemic"), choices=Finding.Extent.choices, initial="isolated"
    )
    evidence = forms.CharField(label=_("Evidence seen"), widget=_text_area(2), required=False)

    def __init__(
        self,
        *args: Any,
        audit: Audit,
        membership: Membership,
        current: Finding | None = None,
        **kwargs: Any,
    ) -> None:
        if current is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(
                    current, f"{name}_id" if name in ("requirement", "code_clause") else name
                )
                for name in FINDING_FIELDS
            }
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirements_for(  # type: ignore[attr-defined]
            audit, current.requirement if current is not None else None
        )
        self.fields["code_clause"].queryset = CodeClause.objects.visible_to(  # type: ignore[attr-defined]
            membership
        ).order_by("reference")

    def service_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in FINDING_FIELDS:
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            values[name] = value.strip() if isinstance(value, str) else value
        return values


class FindingAmendForm(FindingForm):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=_text_area(2),
        help_text=_("Kept with the change: who, when, why, and every value from → to."),
    )

    field_order = ["reason", *FINDING_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


# --- Observations ----------------------------------------------------------------------


class ObservationForm(ServiceForm):
    metric = forms.ChoiceField(label=_("Measure"), choices=[(m.key, m.label) for m in MEASURES])
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=14, decimal_places=2)
    wage_scope = forms.CharField(
        label=_("Wage scope"),
        max_length=80,
        required=False,
        help_text=_("For wages: the sector or region whose minimum applies, e.g. garment."),
    )
    note = forms.CharField(label=_("Note"), widget=_text_area(2), required=False)

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "metric": data["metric"],
            "value": data["value"],
            "wage_scope": data["wage_scope"].strip(),
            "note": data["note"].strip(),
        }


class DismissForm(ServiceForm):
    reason = forms.CharField(
        label=_("Why the suggestion does not apply"),
        max_length=500,
        error_messages={"required": _("Say why the suggestion does not apply.")},
    )


class LawReviewedForm(ServiceForm):
    note = forms.CharField(
        label=_("What you checked"),
        widget=_text_area(2),
        required=False,
        help_text=_("e.g. “New minimum wage applies; CAP target updated.”"),
    )


# --- List filters ----------------------------------------------------------------------


class FilterForm(forms.Form):
    """A list's filters: every field optional, and a wrong value is ignored rather than
    refused (lists are pages people bookmark)."""

    def value(self, name: str) -> str:
        """The cleaned value, or "" when it was missing or not one of the choices."""
        cleaned = self.cleaned(name)
        return "" if cleaned is None else str(cleaned)

    def cleaned(self, name: str) -> Any:
        if not self.is_bound:
            return None
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or None

    @property
    def filtered(self) -> bool:
        return any(self.cleaned(name) for name in self.fields)


def _yes_no(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False, choices=[("", _("Either")), (YES, _("Yes")), (NO, _("No"))]
    )


class AuditListFilterForm(FilterForm):
    facility = forms.ChoiceField(label=_("Facility"), required=False)
    brand = forms.ChoiceField(label=_("Commissioned by"), required=False)
    scheme = forms.ChoiceField(
        label=_("Scheme"), required=False, choices=[("", _("Any scheme")), *Audit.Scheme.choices]
    )
    audit_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *Audit.Type.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Audit.Status.choices]
    )
    date_from = _date(_("From"))
    date_to = _date(_("To"))
    zero_tolerance = _yes_no(_("Zero tolerance found"))

    def __init__(
        self,
        *args: Any,
        facilities: list[tuple[str, str]],
        brands: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", _("Any facility")), *facilities]  # type: ignore[attr-defined]
        self.fields["brand"].choices = [("", _("Any brand")), *brands]  # type: ignore[attr-defined]


class FindingListFilterForm(FilterForm):
    facility = forms.ChoiceField(label=_("Facility"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any category")), *category_choices()]
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("Any severity")), *Severity.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Finding.Status.choices]
    )
    repeat = _yes_no(_("Repeat finding"))
    country = forms.ChoiceField(label=_("Country"), required=False)
    date_from = _date(_("Audited from"))
    date_to = _date(_("Audited until"))
    law_review = forms.ChoiceField(
        label=_("Law changed"),
        required=False,
        choices=[("", _("Either")), (YES, _("Review needed"))],
    )

    def __init__(
        self,
        *args: Any,
        facilities: list[tuple[str, str]],
        country_codes: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", _("Any facility")), *facilities]  # type: ignore[attr-defined]
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("Any country")),
            *sorted(((code, countries.name(code)) for code in country_codes), key=lambda c: c[1]),
        ]


def date_range(form: FilterForm) -> tuple[date | None, date | None]:
    return form.cleaned("date_from"), form.cleaned("date_to")
