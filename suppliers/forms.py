"""Forms of the facility, vetting and exit pages.

The forms only shape and type what a user typed; the rules (who may act, which state
allows what, which values are consistent) stay in ``suppliers.services`` so the pages
and the API refuse exactly the same things. A service's ``ValidationError`` is put
back next to the field it concerns with :meth:`ServiceForm.add_service_errors`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from csr_platform.models import Membership
from csr_platform.roles import Role
from suppliers.models import Facility, SourcingRelationship
from suppliers.services.risk import GRADES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # ISO is what <input type="date"> sends and expects, whatever the language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
        help_text=help_text,
    )


def _text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _split_list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def country_choices(blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *((code, name) for code, name in countries)]


def sourcing_members(membership: Membership) -> QuerySet[Membership]:
    """Who may own a relationship: the brand's active sourcing managers and admins
    (the roles ``facility_add`` accepts as sourcing owner)."""
    return (
        Membership.objects.visible_to(membership)
        .filter(is_active=True, role__in=[Role.SOURCING, Role.ADMIN])
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.display_name} ({obj.get_role_display()})"


class ServiceForm(forms.Form):
    """A form whose cleaned data goes to one service call."""

    # Service error keys that belong to a differently named field of the form.
    service_field_names: ClassVar[dict[str, str]] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's refusal next to the field it concerns."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            target = self.service_field_names.get(name, name)
            self.add_error(target if target in self.fields else None, messages)


class FacilityProfileForm(ServiceForm):
    """The profile fields ``facility_update`` accepts."""

    name = forms.CharField(label=_("Facility name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"))
    address = forms.CharField(label=_("Address"), max_length=400, required=False)
    worker_count = forms.IntegerField(label=_("Workers"), min_value=0, required=False)
    workers_female = forms.IntegerField(label=_("Women workers"), min_value=0, required=False)
    workers_male = forms.IntegerField(label=_("Men workers"), min_value=0, required=False)
    processes = forms.CharField(
        label=_("Processes"),
        max_length=500,
        required=False,
        help_text=_("Separated by commas, e.g. “cutting, sewing, washing”."),
    )
    product_types = forms.CharField(
        label=_("Product types"),
        max_length=500,
        required=False,
        help_text=_("Separated by commas, e.g. “T-shirts, knitwear”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(_("Choose a country"))  # type: ignore[attr-defined]

    @classmethod
    def for_facility(cls, facility: Facility) -> FacilityProfileForm:
        return cls(
            initial={
                "name": facility.name,
                "country": facility.country.code,
                "address": facility.address,
                "worker_count": facility.worker_count,
                "workers_female": facility.workers_female,
                "workers_male": facility.workers_male,
                "processes": ", ".join(facility.processes or []),
                "product_types": ", ".join(facility.product_types or []),
            }
        )

    def clean_processes(self) -> list[str]:
        return _split_list(self.cleaned_data.get("processes"))

    def clean_product_types(self) -> list[str]:
        return _split_list(self.cleaned_data.get("product_types"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        total = cleaned.get("worker_count")
        counted = (cleaned.get("workers_female") or 0) + (cleaned.get("workers_male") or 0)
        # gender_split_ok only compares when all three are given; 20 women of 10
        # workers is wrong even when the men are not counted.
        if total is not None and counted > total:
            self.add_error(
                "workers_female", _("Women and men together exceed the workers counted.")
            )
        return cleaned

    def profile_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "country": data["country"],
            "address": data["address"].strip(),
            "worker_count": data.get("worker_count"),
            "workers_female": data.get("workers_female"),
            "workers_male": data.get("workers_male"),
            "processes": data["processes"],
            "product_types": data["product_types"],
        }


class FacilityAddForm(FacilityProfileForm):
    """A new facility for the brand's list, with its supplier and sourcing owner."""

    field_order = [
        "name",
        "country",
        "address",
        "os_id",
        "supplier_name",
        "supplier_admin_email",
        "worker_count",
        "workers_female",
        "workers_male",
        "processes",
        "product_types",
        "sourcing_owner",
    ]
    service_field_names = {"email": "supplier_admin_email"}

    os_id = forms.CharField(
        label=_("Open Supply Hub id"),
        max_length=32,
        required=False,
        help_text=_(
            "e.g. BD2019123ABCDEF. A facility already on the platform with this id is "
            "added to your list as it is."
        ),
    )
    supplier_name = forms.CharField(
        label=_("Supplier (company that runs the facility)"),
        max_length=200,
        required=False,
        help_text=_("Needed unless the facility is found by its Open Supply Hub id."),
    )
    supplier_admin_email = forms.EmailField(
        label=_("E-mail of the supplier's administrator"),
        required=False,
        help_text=_("They are invited to sign in and answer your screening questionnaire."),
    )
    sourcing_owner = MemberChoiceField(
        label=_("Sourcing owner"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sourcing_owner"].queryset = sourcing_members(membership)  # type: ignore[attr-defined]
        self.order_fields(self.field_order)

    def service_values(self) -> dict[str, Any]:
        """The keyword arguments of ``facility_add`` (besides ``by``)."""
        data = self.cleaned_data
        return {
            **self.profile_values(),
            "os_id": data["os_id"].strip(),
            "supplier_name": data["supplier_name"].strip(),
            "supplier_admin_email": data["supplier_admin_email"].strip(),
            "sourcing_owner": data.get("sourcing_owner"),
        }


class LifecycleForm(ServiceForm):
    lifecycle = forms.ChoiceField(
        label=_("Status of the facility"),
        choices=[
            (value, label)
            for value, label in Facility.Lifecycle.choices
            if value != Facility.Lifecycle.MERGED
        ],
    )
    moved_to = forms.CharField(label=_("New address (if moved)"), max_length=400, required=False)


class CertificationForm(ServiceForm):
    name = forms.CharField(label=_("Certificate"), max_length=120, help_text=_("e.g. SA8000, WRAP"))
    number = forms.CharField(label=_("Number"), max_length=80, required=False)
    issued_on = forms.DateField(
        label=_("Issued"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expires"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FacilityListFilterForm(forms.Form):
    """Filters of the facility list; every field is optional and a wrong value is
    ignored rather than refused (the list is a page people bookmark)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *SourcingRelationship.Status.choices],
    )
    risk = forms.ChoiceField(label=_("Risk grade"), required=False)
    owner = forms.ChoiceField(label=_("Sourcing owner"), required=False)

    NO_OWNER = "none"
    NOT_RATED = "none"

    def __init__(
        self,
        *args: Any,
        country_codes: list[str],
        owners: list[Membership] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("Any country")),
            *sorted(((code, countries.name(code)) for code in country_codes), key=lambda c: c[1]),
        ]
        self.fields["risk"].choices = [  # type: ignore[attr-defined]
            ("", _("Any grade")),
            *((grade, grade_label(grade)) for _limit, grade in GRADES),
            (self.NOT_RATED, _("Not rated yet")),
        ]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            *((str(m.pk), m.user.display_name) for m in owners or []),
            (self.NO_OWNER, _("Nobody yet")),
        ]

    def value(self, name: str) -> str:
        """The cleaned value, or "" when it was missing or not one of the choices."""
        if not self.is_bound:
            return ""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return str(self.cleaned_data.get(name) or "")


GRADE_LABELS = {
    "low": _("Low"),
    "medium": _("Medium"),
    "high": _("High"),
    "critical": _("Critical"),
}


def grade_label(grade: str) -> Any:
    return GRADE_LABELS.get(grade, grade)


class DecisionForm(ServiceForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (SourcingRelationship.Decision.APPROVE, _("Approve")),
            (SourcingRelationship.Decision.CONDITIONAL, _("Approve with conditions")),
            ("reject", _("Reject")),
        ],
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=_text_area(),
        help_text=_("Kept on record and shown to the person who signs off."),
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        widget=_text_area(),
        required=False,
        help_text=_("Needed for an approval with conditions."),
    )


class SignOffForm(ServiceForm):
    approve = forms.TypedChoiceField(
        label=_("Sign-off"),
        choices=[("yes", _("Sign off")), ("no", _("Decline"))],
        coerce=lambda value: value == "yes",
    )
    note = forms.CharField(label=_("Note"), widget=_text_area(2), required=False)


class SuspendForm(ServiceForm):
    reason = forms.CharField(label=_("Reason for the suspension"), widget=_text_area(2))


class NoteForm(ServiceForm):
    note = forms.CharField(label=_("Note"), widget=_text_area(2), required=False)


class ExitPlanForm(ServiceForm):
    reason = forms.CharField(label=_("Why the relationship ends"), widget=_text_area())
    remediation_attempts = forms.CharField(
        label=_("Remediation attempts on record"),
        widget=_text_area(),
        required=False,
        help_text=_("What was tried before deciding to exit (CAPs, visits, trainings)."),
    )
    workers_affected = forms.IntegerField(label=_("Workers affected"), min_value=0, required=False)
    outstanding_wages = forms.DecimalField(
        label=_("Outstanding wages"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    outstanding_currency = forms.CharField(
        label=_("Currency (ISO 4217)"), max_length=3, required=False, help_text=_("e.g. BDT")
    )
    outstanding_benefits = forms.CharField(
        label=_("Outstanding benefits"),
        widget=_text_area(2),
        required=False,
        help_text=_("Severance, leave, social security owed to workers."),
    )
    worker_impact = forms.CharField(
        label=_("Worker-impact assessment"),
        widget=_text_area(),
        required=False,
        help_text=_("Who loses work or income, and how the exit limits the harm."),
    )
    notice_period_days = forms.IntegerField(
        label=_("Notice period (days)"), min_value=0, max_value=3650, initial=90
    )
    notice_given_on = _date_field(_("Notice given on"))

    def clean_outstanding_currency(self) -> str:
        return str(self.cleaned_data.get("outstanding_currency") or "").strip().upper()

    def plan_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "reason": data["reason"].strip(),
            "remediation_attempts": data["remediation_attempts"].strip(),
            "workers_affected": data.get("workers_affected"),
            "outstanding_wages": data.get("outstanding_wages"),
            "outstanding_currency": data["outstanding_currency"],
            "outstanding_benefits": data["outstanding_benefits"].strip(),
            "worker_impact": data["worker_impact"].strip(),
            "notice_given_on": data.get("notice_given_on"),
        }
        if data.get("notice_period_days") is not None:
            values["notice_period_days"] = data["notice_period_days"]
        return values


class PhaseDownRowForm(forms.Form):
    date = _date_field(_("Date"))
    percent = forms.IntegerField(
        label=_("% of normal order volume"), min_value=0, max_value=100, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, percent = cleaned.get("date"), cleaned.get("percent")
        if (day is None) != (percent is None) and not self.errors:
            raise ValidationError(_("Give both the date and the volume, or neither."))
        return cleaned


class ExitStepForm(ServiceForm):
    description = forms.CharField(label=_("Step"), max_length=300)
    owner = forms.CharField(label=_("Owner"), max_length=200, required=False)
    due_on = _date_field(_("Due"))

    def step_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "description": data["description"].strip(),
            "owner": data["owner"].strip(),
            "due_on": data.get("due_on"),
        }


class ExitStepRowForm(ExitStepForm):
    """A row of the steps table of a new plan: an empty row is skipped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not str(cleaned.get("description") or "").strip() and (
            cleaned.get("owner") or cleaned.get("due_on")
        ):
            self.add_error("description", _("Describe the step."))
        return cleaned


PhaseDownFormSet = forms.formset_factory(PhaseDownRowForm, extra=3, max_num=12)
ExitStepFormSet = forms.formset_factory(ExitStepRowForm, extra=3, max_num=30)


def phase_down_rows(formset: Any) -> list[dict[str, Any]]:
    """The schedule ``exit_plan_start`` takes: [{"date": "YYYY-MM-DD", "percent": n}]."""
    rows = []
    for row in formset.cleaned_data:
        day: date | None = row.get("date")
        if day is not None and row.get("percent") is not None:
            rows.append({"date": day.isoformat(), "percent": row["percent"]})
    return rows


def step_rows(formset: Any) -> list[dict[str, Any]]:
    return [
        {
            "description": row["description"].strip(),
            "owner": (row.get("owner") or "").strip(),
            "due_on": row.get("due_on"),
        }
        for row in formset.cleaned_data
        if str(row.get("description") or "").strip()
    ]
