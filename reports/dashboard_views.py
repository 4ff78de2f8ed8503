"""The dashboard of each role: a page at /reports/dashboard/ and the same content as
a fragment at /reports/dashboard/panel/, which the home page loads with htmx (the
core's home view may not import this app, DESIGN.md §1).

Every member signs in to read it; what it holds depends on the role
(:func:`reports.dashboards.parts_for`). The numbers come from
:mod:`reports.dashboards`, the charts from :mod:`reports.charts`; each number links
to the list behind it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from csr_platform.views.mixins import TenantPageMixin
from laws.taxonomy import Severity
from remediation.selectors import overdue_days
from reports import charts
from reports.dashboards import (
    CSR,
    PARTNER,
    SOURCING,
    SUPPLIER,
    CsrDashboard,
    SourcingDashboard,
    Tally,
    WorkDashboard,
    dashboards_for,
)
from reports.scorecards import GRADE_BANDS

# Bars in the colours of the severity and grade badges: the gravest and the worst red.
SEVERITY_COLOURS: dict[str, str] = {
    Severity.ZERO_TOLERANCE: charts.POOR,
    Severity.CRITICAL: charts.POOR,
    Severity.MAJOR: charts.FAIR,
    Severity.MINOR: charts.LINE,
}
GRADE_COLOURS: dict[str, str] = {grade: charts.score_colour(floor) for floor, grade in GRADE_BANDS}


def _described(title: str, tallies: list[Tally]) -> str:
    """The chart's accessible name: its title and every number it draws."""
    return f"{title}: {', '.join(f'{t.label} {t.count}' for t in tallies)}"


def csr_charts(csr: CsrDashboard) -> dict[str, str]:
    by_severity = _("Open CAPs by severity")
    by_category = _("Open CAPs by category")
    return {
        "severity": charts.bar_chart(
            [(t.label, t.count) for t in csr.by_severity],
            label=_described(by_severity, csr.by_severity),
            colours=[SEVERITY_COLOURS[t.key] for t in csr.by_severity],
        ),
        "category": charts.bar_chart(
            [(t.label, t.count) for t in csr.by_category],
            label=_described(by_category, csr.by_category),
        ),
    }


def sourcing_charts(sourcing: SourcingDashboard) -> dict[str, str]:
    title = _("Facilities by grade")
    return {
        "grades": charts.bar_chart(
            [(t.label, t.count) for t in sourcing.grades],
            label=_described(title, sourcing.grades),
            colours=[GRADE_COLOURS[t.key] for t in sourcing.grades],
            width=240,
        ),
    }


def with_overdue_days(work: WorkDashboard) -> list[Any]:
    """The most urgent CAPs, each with ``overdue_days`` set for the CAP list's
    due-date partial (``remediation/_cap_due.html``)."""
    for cap in work.urgent:
        cap.overdue_days = overdue_days(cap, work.today)  # type: ignore[attr-defined]
    return work.urgent


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    membership = request.membership  # type: ignore[attr-defined]
    parts = dashboards_for(membership, today=timezone.localdate())
    context: dict[str, Any] = {"parts": list(parts), **parts}
    if CSR in parts:
        context["csr_charts"] = csr_charts(parts[CSR])
    if SOURCING in parts:
        context["sourcing_charts"] = sourcing_charts(parts[SOURCING])
    for part in (SUPPLIER, PARTNER):
        if part in parts:
            context["urgent"] = with_overdue_days(parts[part])
    return context


class DashboardPage(TenantPageMixin, View):
    """The dashboard on a page of its own (the home page's link without JavaScript)."""

    template_name = "reports/dashboard.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, dashboard_context(request))


class DashboardPanel(TenantPageMixin, View):
    """The dashboard as a fragment, for the home page to load."""

    template_name = "reports/dashboard_panel.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, dashboard_context(request))
