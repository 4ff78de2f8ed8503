"""Filters of the scorecard table, shared by the API (``scorecards/``) and the page
(``/reports/scorecards/``) so both accept and mean exactly the same parameters.

``country`` and ``owner`` narrow the relationships; ``grade``, ``trend`` and ``sort``
apply to the scores, so :meth:`ScorecardFilter.scorecard_rows` applies them to the
stored current scorecards of those relationships (the relationship filter methods
leave the rows alone).
"""

from __future__ import annotations

import uuid
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from csr_platform.models import Membership
from reports.models import GRADES, CurrentScorecard, ReportRequest
from reports.scorecards import IMPROVING, WORSENING
from reports.services.scorecards import in_table_order, scorecards_current
from suppliers.models import SourcingRelationship

NO_OWNER = "none"
DEFAULT_SORT = "score"
SORT_CHOICES = [
    ("score", _("Score, lowest first")),
    ("-score", _("Score, highest first")),
    ("grade", _("Grade, A first")),
    ("-grade", _("Grade, E first")),
    ("name", _("Name, A to Z")),
    ("-name", _("Name, Z to A")),
    ("trend", _("Trend, worst first")),
    ("-trend", _("Trend, best first")),
]
TREND_CHOICES = [(IMPROVING, _("Improving")), (WORSENING, _("Worsening"))]


class OwnerField(forms.CharField):
    """A sourcing owner's membership id, or ``none`` for relationships without one."""

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value in ("", NO_OWNER):
            return str(value)
        try:
            return str(uuid.UUID(str(value)))
        except ValueError as exc:
            raise ValidationError(_("A membership id or “none”."), code="invalid") from exc


@extend_schema_field(OpenApiTypes.STR)
class OwnerFilter(django_filters.Filter):
    field_class = OwnerField


class ScorecardFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(
        field_name="facility__country",
        choices=list(countries),
        label=_("Country"),
        empty_label=_("Any country"),
    )
    owner = OwnerFilter(
        method="filter_owner",
        label=_("Sourcing owner"),
        help_text=_("The membership id of the sourcing owner, or “none”."),
    )
    grade = django_filters.ChoiceFilter(
        choices=[(grade, grade) for grade in GRADES],
        method="after_scoring",
        label=_("Grade"),
        empty_label=_("Any grade"),
    )
    trend = django_filters.ChoiceFilter(
        choices=TREND_CHOICES,
        method="after_scoring",
        label=_("Trend"),
        empty_label=_("Any trend"),
        help_text=_("Score up (improving) or down (worsening) since the last monthly snapshot."),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES,
        method="after_scoring",
        label=_("Order"),
        empty_label=None,
        help_text=_("Lowest score first unless asked otherwise; ties by facility name."),
    )

    class Meta:
        model = SourcingRelationship
        fields = ["country", "owner", "grade", "trend", "sort"]

    def filter_owner(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == NO_OWNER:
            return queryset.filter(sourcing_owner__isnull=True)
        return queryset.filter(sourcing_owner_id=value)

    def after_scoring(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset

    def value(self, name: str) -> str:
        """The cleaned value of ``name``; "" when missing or invalid (pages ignore a
        wrong value rather than refuse it: the table is a page people bookmark)."""
        if not self.is_bound or (not self.form.is_valid() and name in self.form.errors):
            return ""
        return str(self.form.cleaned_data.get(name) or "")

    @property
    def order(self) -> str:
        return self.value("sort") or DEFAULT_SORT

    def scorecard_rows(self, viewpoint: Membership) -> QuerySet[CurrentScorecard]:
        """The current scorecards of the filtered relationships, of the grade and trend
        asked for, in the order asked for — what ``reports.scorecards.keep`` and
        ``ordered`` do to computed cards, done in SQL so a page reads only its rows.
        A card without a snapshot to compare with has no trend, so matches neither."""
        rows = scorecards_current(viewpoint, self.qs)
        if grade := self.value("grade"):
            rows = rows.filter(grade=grade)
        trend = self.value("trend")
        if trend == IMPROVING:
            rows = rows.filter(trend__gt=0)
        elif trend == WORSENING:
            rows = rows.filter(trend__lt=0)
        return in_table_order(rows, self.order)

    @property
    def filtered(self) -> bool:
        return any(self.value(name) for name in ("country", "owner", "grade", "trend"))


class ReportRequestFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ReportRequest.Kind.choices, label=_("Report"))
    status = django_filters.ChoiceFilter(
        choices=ReportRequest.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    facility = django_filters.UUIDFilter(field_name="facility_id", label=_("Facility"))
    scheduled = django_filters.BooleanFilter(
        field_name="scheduled_month",
        lookup_expr="isnull",
        exclude=True,
        label=_("Monthly programme reports only (true) or asked-for ones only (false)"),
    )

    class Meta:
        model = ReportRequest
        fields = ["kind", "status", "facility", "scheduled"]
