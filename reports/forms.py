"""Forms of the report pages: asking for a report, and the brand's report branding."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from csr_platform.models import Membership
from reports.models import HEX_COLOUR, ReportRequest
from suppliers.models import Facility


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportRequest.Kind.choices)
    facility = forms.ModelChoiceField(
        label=_("Facility"),
        queryset=Facility.objects.none(),
        required=False,
        empty_label=_("Choose a facility"),
        help_text=_("For a facility progress report."),
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the facilities the member sees: another tenant's is "not a valid choice".
        self.fields["facility"].queryset = (  # type: ignore[attr-defined]
            Facility.objects.visible_to(membership).order_by("name").only("pk", "name")
        )
        if not membership.is_brand:
            # A supplier asks for its own facilities' progress report only.
            kind = cast(forms.ChoiceField, self.fields["kind"])
            kind.choices = [
                (ReportRequest.Kind.FACILITY_PROGRESS, ReportRequest.Kind.FACILITY_PROGRESS.label)
            ]


class ReportBrandingForm(forms.Form):
    colour = forms.RegexField(
        label=_("Colour"),
        regex=HEX_COLOUR,
        error_messages={"invalid": _("A colour as #rrggbb, for example #174ea6.")},
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Headings, rules and table heads of the reports."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 512 KB and 2000 pixels a side."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
