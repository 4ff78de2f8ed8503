"""Forms of the CAP pages.

The forms only shape and type what a user typed; the rules (who may act on this CAP,
which state allows what, how many whys a chain needs, which files are evidence) stay
in ``remediation.services`` so the pages and the API refuse exactly the same things.
A service's ``ValidationError`` is put back next to its field with
``ServiceForm.add_service_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from audits.forms import YES, FilterForm, category_choices
from laws.taxonomy import Severity
from remediation.models import CapAction, CorrectiveActionPlan, RootCause
from remediation.root_causes import CAUSE_CATEGORIES, PURCHASING_PRACTICE_CODES
from remediation.services.evidence_files import MAX_EVIDENCE_BYTES, evidence_file_type
from remediation.services.work import MAX_WHYS
from suppliers.forms import DateInput, ServiceForm

# Pairs of the five-whys chain shown open; the rest (up to MAX_WHYS) sit folded.
SHOWN_WHY_PAIRS = 5
# One upload carries at most this many files (each is checked and stored on its own).
MAX_FILES_AT_ONCE = 10
# What the file picker offers; the content is checked whatever the name says.
EVIDENCE_ACCEPT = (
    ".pdf,.jpg,.jpeg,.png,.webp,.xlsx,.docx,.csv,"
    "application/pdf,image/jpeg,image/png,image/webp,text/csv,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


def date_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
        help_text=help_text,
    )


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


# --- The CAP list ----------------------------------------------------------------------


class CapListFilterForm(FilterForm):
    facility = forms.ChoiceField(label=_("Facility"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *CorrectiveActionPlan.Status.choices],
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        # Observations get no CAP, so they are not offered.
        choices=[
            ("", _("Any severity")),
            *((value, label) for value, label in Severity.choices if value != "observation"),
        ],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any category")), *category_choices()]
    )
    open = forms.ChoiceField(
        label=_("Open"), required=False, choices=[("", _("Either")), (YES, _("Open only"))]
    )
    overdue = forms.ChoiceField(
        label=_("Overdue"), required=False, choices=[("", _("Either")), (YES, _("Overdue only"))]
    )
    due_after = date_field(_("Due from"))
    due_before = date_field(_("Due before"))
    owner = forms.ChoiceField(label=_("Owner brand"), required=False)
    participant = forms.ChoiceField(label=_("Participant"), required=False)
    not_sustained = forms.ChoiceField(
        label=_("Fix not sustained"),
        required=False,
        choices=[("", _("Either")), (YES, _("Not sustained only"))],
    )

    def __init__(
        self,
        *args: Any,
        facilities: list[tuple[str, str]],
        owners: list[tuple[str, str]],
        participants: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", _("Any facility")), *facilities]  # type: ignore[attr-defined]
        self.fields["owner"].choices = [("", _("Any brand")), *owners]  # type: ignore[attr-defined]
        self.fields["participant"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            *participants,
        ]


# --- Root causes -----------------------------------------------------------------------


class RootCauseForm(ServiceForm):
    """A root cause, found with five whys (the chain, each why with its answer) or a
    fishbone (a category and the cause)."""

    method = forms.ChoiceField(
        label=_("Method"),
        choices=RootCause.Method.choices,
        initial=RootCause.Method.FIVE_WHYS,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose a category")), *CAUSE_CATEGORIES],
        help_text=_("Where the cause lies. Buyer purchasing practices are reported to the brand."),
    )
    purchasing_code = forms.ChoiceField(
        label=_("Which purchasing practice"),
        required=False,
        choices=[("", _("Choose a practice")), *PURCHASING_PRACTICE_CODES],
        help_text=_("Only for a cause in the buyer's purchasing practices."),
    )
    cause = forms.CharField(
        label=_("Root cause"),
        widget=text_area(2),
        help_text=_("The cause the site can act on: for five whys, the last answer."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_WHYS + 1):
            self.fields[f"why_{number}"] = forms.CharField(
                label=_("Why? (%(number)s)") % {"number": number},
                max_length=500,
                required=False,
            )
            self.fields[f"because_{number}"] = forms.CharField(
                label=_("Because (%(number)s)") % {"number": number},
                max_length=500,
                required=False,
            )

    def why_pairs(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (number, self[f"why_{number}"], self[f"because_{number}"])
            for number in range(1, MAX_WHYS + 1)
        ]

    def shown_pairs(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return self.why_pairs()[:SHOWN_WHY_PAIRS]

    def more_pairs(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return self.why_pairs()[SHOWN_WHY_PAIRS:]

    def more_pairs_used(self) -> bool:
        return any(why.value() or because.value() for _n, why, because in self.more_pairs())

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "method": data["method"],
            "category": data["category"],
            "purchasing_code": data.get("purchasing_code") or "",
            "cause": data["cause"].strip(),
            # Blank pairs are dropped by the service; a half-filled one is refused there.
            "whys": [
                {
                    "why": data.get(f"why_{number}", "").strip(),
                    "because": data.get(f"because_{number}", "").strip(),
                }
                for number in range(1, MAX_WHYS + 1)
            ],
        }


# --- Actions ---------------------------------------------------------------------------


class ActionForm(ServiceForm):
    """A corrective or preventive action, as ``action_add`` takes it."""

    # No preselected kind: filing a preventive action as corrective (or the reverse)
    # by accident would change what submitting checks.
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Choose corrective or preventive")), *CapAction.Kind.choices],
        help_text=_("Corrective fixes this occurrence; preventive keeps it from coming back."),
    )
    description = forms.CharField(label=_("Action"), widget=text_area(2))
    owner = forms.CharField(
        label=_("Responsible person"),
        max_length=200,
        help_text=_("Someone with the authority to carry it out."),
    )
    due_date = date_field(_("Due"), required=True)

    def service_values(self) -> dict[str, Any]:
        return {name: stripped(self.cleaned_data[name]) for name in self.fields}


class ActionStatusForm(ServiceForm):
    status = forms.ChoiceField(label=_("Status"), choices=CapAction.Status.choices)


# --- Evidence --------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                # An empty list would otherwise pass as "nothing to check".
                return [single(None, initial)]
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class EvidenceUploadForm(ServiceForm):
    """One or more files showing the fix, dated by when they are valid."""

    file = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "PDF, JPEG, PNG, WebP, XLSX, DOCX or CSV, at most %(size)s MB each; "
            "up to %(count)s files at once."
        )
        % {"size": MAX_EVIDENCE_BYTES // (1024 * 1024), "count": MAX_FILES_AT_ONCE},
    )
    description = forms.CharField(
        label=_("What it shows"),
        max_length=300,
        required=False,
        help_text=_("e.g. “Fire certificate after the exits were unlocked”."),
    )
    valid_from = date_field(_("Valid from"), help_text=_("When it was issued, if it is dated."))
    valid_until = date_field(_("Valid until"), help_text=_("When it expires, if it does."))
    action = forms.ChoiceField(label=_("For the action"), required=False)

    def __init__(self, *args: Any, actions: list[CapAction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = EVIDENCE_ACCEPT
        self.actions_by_id = {str(action.pk): action for action in actions}
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole CAP")),
            *(
                (
                    str(action.pk),
                    f"{action.get_kind_display()}: {action.description[:80]}",
                )
                for action in actions
            ),
        ]

    def clean_file(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["file"]
        if len(files) > MAX_FILES_AT_ONCE:
            raise ValidationError(
                _("Upload at most %(count)s files at once.") % {"count": MAX_FILES_AT_ONCE}
            )
        # Every file is checked (by the service's own check) before any is stored, so
        # one bad file among several stores none and each refusal is named.
        problems: list[str] = []
        for upload in files:
            try:
                evidence_file_type(upload)
            except ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            raise ValidationError(problems)
        return files

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "description": data["description"].strip(),
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            "action": self.actions_by_id.get(data["action"] or ""),
        }


# --- Comments, due dates, extensions, participants ------------------------------------


class CommentForm(ServiceForm):
    body = forms.CharField(label=_("Comment"), widget=text_area(3), max_length=10_000)
    internal = forms.BooleanField(
        label=_("Internal (only your brand sees it)"),
        required=False,
        help_text=_("Never shown to the supplier or to partners."),
    )

    def __init__(self, *args: Any, brand: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not brand:
            # Only a brand keeps internal comments; the others never see the choice.
            del self.fields["internal"]

    def service_values(self) -> dict[str, Any]:
        return {
            "body": self.cleaned_data["body"].strip(),
            "internal": bool(self.cleaned_data.get("internal")),
        }


class DueDateForm(ServiceForm):
    due_date = date_field(_("New due date"), required=True)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Kept on the timeline with the old and the new date."),
    )


class ExtensionRequestForm(ServiceForm):
    due_date = date_field(_("New due date asked for"), required=True)
    reason = forms.CharField(
        label=_("Why more time is needed"),
        widget=text_area(2),
        help_text=_("e.g. the fire doors are on order and arrive in six weeks."),
    )


class ExtensionDecisionForm(ServiceForm):
    note = forms.CharField(
        label=_("Note"),
        widget=text_area(2),
        required=False,
        help_text=_("Needed when declining: say why."),
    )


class ParticipantForm(ServiceForm):
    organization = forms.SlugField(
        label=_("Organization identifier"),
        max_length=80,
        help_text=_(
            "The identifier of the partner (consultant, civil-society organisation, audit "
            "firm) or of a brand this audit is shared with."
        ),
    )
    note = forms.CharField(
        label=_("What they do on it"),
        max_length=300,
        required=False,
    )

    service_field_names = {"organization_slug": "organization"}


# --- Transitions -----------------------------------------------------------------------


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), widget=text_area(2))


class ReturnForm(ReasonForm):
    reason = forms.CharField(
        label=_("What is missing"),
        widget=text_area(2),
        error_messages={"required": _("Say what is missing, so the supplier can fix it.")},
    )


class CancelForm(ReasonForm):
    reason = forms.CharField(
        label=_("Why the CAP is cancelled"),
        widget=text_area(2),
        error_messages={"required": _("Say why the CAP is cancelled.")},
    )


class VerifyForm(ServiceForm):
    note = forms.CharField(
        label=_("Verification note"),
        widget=text_area(2),
        required=False,
        help_text=_("What you checked."),
    )
    follow_up_audit = forms.ChoiceField(
        label=_("Follow-up audit"),
        required=True,
        help_text=_("The final audit of this facility that checked the fix."),
    )

    def __init__(
        self, *args: Any, follow_up_audits: list[tuple[str, str]] | None, **kwargs: Any
    ) -> None:
        """``follow_up_audits`` is None for a desk review (no audit is asked for)."""
        super().__init__(*args, **kwargs)
        if follow_up_audits is None:
            del self.fields["follow_up_audit"]
        else:
            self.fields["follow_up_audit"].choices = [  # type: ignore[attr-defined]
                ("", _("Choose the follow-up audit")),
                *follow_up_audits,
            ]
