"""Forms of the law-library pages: filters, the law check and code-of-conduct clauses.

The forms only shape and type what a user typed; the rules (which parameters a topic
accepts, which country codes exist, who may write) stay in ``laws.parameters`` and
``laws.services`` so the pages and the API refuse exactly the same things.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laws.checks import MEASURES
from laws.models import CodeClause
from laws.parameters import SCHEMAS, Topic
from laws.selectors import DEFAULT_COMPARISON, library_countries
from laws.taxonomy import FindingCategory


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # ISO is what <input type="date"> sends and expects, whatever the language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_field(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
        help_text=help_text,
    )


def _country_choices(blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *library_countries()]


class LibraryFilterForm(forms.Form):
    """Filters of the library list; every field is optional."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("Any topic")), *Topic.choices]
    )
    on = _date_field(_("In force on"))
    needs_review = forms.BooleanField(label=_("Only entries that need review"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices(_("Any country"))  # type: ignore[attr-defined]

    def on_date(self) -> date:
        return self.cleaned_data.get("on") or timezone.localdate()


class ComparisonForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        required=False,
        choices=[(t.value, t.label) for t in Topic if SCHEMAS[t]],
        widget=forms.CheckboxSelectMultiple,
    )
    on = _date_field(_("In force on"))

    def chosen_topics(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data.get("topics") or DEFAULT_COMPARISON)

    def on_date(self) -> date:
        return self.cleaned_data.get("on") or timezone.localdate()


class InForceOnForm(forms.Form):
    on = _date_field(_("In force on"))


class LawCheckForm(forms.Form):
    """What an auditor measured, for ``laws.checks.law_check``.

    Mirrors the API's ``LawCheckSerializer``: a country, a date (today if empty), at
    least one measured value, an optional wage scope, and for brands whether to apply
    their code of conduct.
    """

    country = forms.ChoiceField(label=_("Country"))
    on = _date_field(_("Date of the audit"), _("Today if left empty."))
    wage_scope = forms.CharField(
        label=_("Minimum-wage scope"),
        required=False,
        max_length=80,
        help_text=_("Optional, e.g. “rmg” or “region_i”; empty compares with every wage rule."),
    )
    apply_code = forms.BooleanField(
        label=_("Apply our code of conduct"), required=False, initial=True
    )

    def __init__(self, *args: Any, with_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices(_("Choose a country"))  # type: ignore[attr-defined]
        for measure in MEASURES:
            self.fields[measure.key] = forms.DecimalField(
                label=measure.label,
                required=False,
                min_value=Decimal(0),
                max_digits=14,
                decimal_places=2,
            )
        if not with_code:
            del self.fields["apply_code"]

    def measure_fields(self) -> list[BoundField]:
        return [self[measure.key] for measure in MEASURES]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(measure.key) is not None for measure in MEASURES):
            raise ValidationError(_("Give at least one measured value."))
        return cleaned

    def measured(self) -> dict[str, Decimal]:
        return {
            measure.key: self.cleaned_data[measure.key]
            for measure in MEASURES
            if self.cleaned_data.get(measure.key) is not None
        }

    def on_date(self) -> date:
        return self.cleaned_data.get("on") or timezone.localdate()


class CodeClauseForm(forms.Form):
    """A code-of-conduct clause with one number input per parameter of every topic.

    Only the inputs of the chosen topic are kept; a value typed under another topic is
    refused rather than silently dropped.
    """

    reference = forms.CharField(label=_("Reference"), max_length=50, help_text=_("e.g. “CoC 4.2”"))
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Choose a category")), *FindingCategory.choices]
    )
    topic = forms.ChoiceField(
        label=_("Topic of the stricter limits"),
        required=False,
        choices=[("", _("None: a clause without limits")), *Topic.choices],
        help_text=_("Fill in the limits of this topic below; the law check applies them."),
    )
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        max_length=500,
        help_text=_("ISO codes separated by commas, e.g. “BD, KH”; empty for everywhere."),
    )
    currency = forms.CharField(
        label=_("Currency (ISO 4217)"), required=False, max_length=3, help_text=_("e.g. BDT")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for schema in SCHEMAS.values():
            for item in schema:
                self.fields[item.key] = forms.DecimalField(
                    label=item.label,
                    required=False,
                    min_value=Decimal(0),
                    max_digits=14,
                    decimal_places=0 if item.integer else 2,
                )

    @classmethod
    def for_clause(cls, clause: CodeClause) -> CodeClauseForm:
        initial: dict[str, Any] = {
            "reference": clause.reference,
            "title": clause.title,
            "text": clause.text,
            "category": clause.category,
            "topic": clause.topic,
            "countries": ", ".join(clause.countries),
            **clause.parameters,
        }
        return cls(initial=initial)

    def parameter_groups(self) -> list[dict[str, Any]]:
        """The parameter inputs grouped by topic, for the template."""
        chosen = self["topic"].value() or ""
        groups = []
        for topic in Topic:
            fields = [self[item.key] for item in SCHEMAS[topic]]
            if topic == Topic.MINIMUM_WAGE:
                fields.append(self["currency"])
            if not fields:
                continue
            groups.append(
                {
                    "topic": topic.value,
                    "label": topic.label,
                    "fields": fields,
                    "open": topic == chosen or any(f.errors for f in fields),
                }
            )
        return groups

    def clean_countries(self) -> list[str]:
        raw = self.cleaned_data.get("countries") or ""
        return [code.upper() for code in re.split(r"[\s,;]+", raw) if code]

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        topic = cleaned.get("topic") or ""
        parameters: dict[str, Any] = {}
        for other, schema in SCHEMAS.items():
            for item in schema:
                value = cleaned.get(item.key)
                if value is None:
                    continue
                if other != topic:
                    self.add_error(
                        item.key,
                        _("This limit belongs to the topic “%(topic)s”; choose that topic.")
                        % {"topic": Topic(other).label},
                    )
                    continue
                # validate_parameters (in the service) normalises numbers to int/float.
                parameters[item.key] = value
        if cleaned.get("currency"):
            if topic == Topic.MINIMUM_WAGE:
                parameters["currency"] = cleaned["currency"]
            else:
                self.add_error("currency", _("A currency goes only with a minimum-wage limit."))
        cleaned["parameters"] = parameters
        return cleaned

    def service_values(self) -> dict[str, Any]:
        """The keyword arguments of ``code_clause_create`` / ``code_clause_update``."""
        data = self.cleaned_data
        return {
            "reference": data["reference"].strip(),
            "title": data["title"].strip(),
            "text": data["text"].strip(),
            "category": data["category"],
            "topic": data.get("topic") or "",
            "parameters": data["parameters"],
            "countries": data["countries"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's refusal next to the field it concerns."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            target = name if name in self.fields and name != "parameters" else None
            if name == "parameters":
                target = "topic"
            self.add_error(target, messages)
