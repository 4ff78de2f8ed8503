"""From a report's data to its PDF: gather (through ``visible_to``), draw the charts
(:mod:`reports.charts`, the same SVG as the pages), render the HTML template and let
WeasyPrint lay it out on A4 pages.

The two steps are separate so each can be measured and checked on its own:
:func:`report_html` gives the HTML, :func:`html_to_pdf` writes any such HTML to PDF.
A report fetches nothing: the logo is embedded, fonts come from the system, and the
URL fetcher refuses every address but a ``data:`` URI.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from csr_platform.models import Membership
from remediation.models import CorrectiveActionPlan
from reports import charts
from reports.dashboard_views import SEVERITY_COLOURS, csr_charts, sourcing_charts
from reports.documents.branding import Branding
from reports.documents.facility_progress import FacilityProgress, gather_facility_progress
from reports.documents.months import MonthActivity
from reports.documents.program_summary import Closure, ProgramSummary, gather_program_summary
from suppliers.models import Facility

FACILITY_PROGRESS = "facility_progress"
PROGRAM_SUMMARY = "program_summary"
KINDS: dict[str, Any] = {
    FACILITY_PROGRESS: gettext_lazy("Facility progress report"),
    PROGRAM_SUMMARY: gettext_lazy("Programme summary"),
}

# The stages ``progress`` hears about, as percentages of the whole. Gathering and
# writing the PDF take most of the time (the first for a large portfolio, the second
# for a long facility history), hence the wide steps around them.
STARTED, GATHERED, CHARTS_DRAWN, HTML_RENDERED, PDF_WRITTEN = 5, 45, 55, 65, 95

# CAP statuses in the colours a reader expects: work waiting amber, waiting for the
# brand blue, sent back red, verified green, cancelled grey.
Status = CorrectiveActionPlan.Status
STATUS_COLOURS: dict[str, str] = {
    Status.OPEN: charts.FAIR,
    Status.IN_PROGRESS: "#d08a2c",
    Status.SUBMITTED: charts.LINE,
    Status.RETURNED: charts.POOR,
    Status.VERIFIED: charts.GOOD,
    Status.CANCELLED: "#9aa3ad",
}
FOUND_COLOUR, VERIFIED_COLOUR = charts.POOR, charts.GOOD

Progress = Callable[[int], None]


def _ignore(percent: int) -> None:
    """The default progress callback: nobody is listening."""


# --- The whole thing -------------------------------------------------------------------------


def render_report(
    kind: str,
    *,
    viewpoint: Membership,
    on: date,
    branding: Branding,
    facility: Facility | None = None,
    progress: Progress = _ignore,
) -> bytes:
    """Gather the data (through ``visible_to(viewpoint)``), render the HTML, write
    the PDF, and return its bytes.

    ``progress(n)`` is called with increasing ``n`` from 5 to 95 as each stage
    finishes: started, gathered, charts drawn, HTML rendered, PDF written. Raises
    ``ValueError`` with a readable message for an unknown kind, a kind the viewpoint
    may not have (the programme summary for anyone but a brand), or a facility that
    is missing or not the viewpoint's to see. Reads in the active language and time
    zone (the caller activates the reader's)."""
    html = report_html(
        kind, viewpoint=viewpoint, on=on, branding=branding, facility=facility, progress=progress
    )
    pdf = html_to_pdf(html)
    progress(PDF_WRITTEN)
    return pdf


def report_html(
    kind: str,
    *,
    viewpoint: Membership,
    on: date,
    branding: Branding,
    facility: Facility | None = None,
    progress: Progress = _ignore,
) -> str:
    """The report as one self-contained HTML document (the steps of
    :func:`render_report` up to, not including, the PDF)."""
    if kind not in KINDS:
        raise ValueError(_("There is no report of the kind %(kind)r.") % {"kind": kind})
    progress(STARTED)
    data: FacilityProgress | ProgramSummary
    if kind == FACILITY_PROGRESS:
        data = gather_facility_progress(viewpoint=viewpoint, facility=facility, on=on)
        progress(GATHERED)
        data.charts = facility_charts(data)
    else:
        data = gather_program_summary(viewpoint=viewpoint, on=on)
        progress(GATHERED)
        data.charts = program_charts(data)
    progress(CHARTS_DRAWN)
    sections = SECTIONS[kind](data)
    html = render_to_string(
        f"reports/pdf/{kind}.html",
        {
            "report": data,
            "branding": branding,
            "title": str(KINDS[kind]),
            "on": on,
            "generated": timezone.localtime(),
            "reader": viewpoint.organization,
            "for_brand": viewpoint.is_brand,
            "page_counter": page_counter(),
            "sections": sections,
            "titles": dict(sections),
        },
    )
    progress(HTML_RENDERED)
    return html


def html_to_pdf(html: str) -> bytes:
    """Lay ``html`` out on pages and write it as PDF, fetching nothing but ``data:``
    URIs (an embedded logo)."""
    # Imported here: WeasyPrint loads Pango and its fonts on import, which only the
    # process writing a PDF (the worker) needs to pay for.
    import weasyprint

    # WeasyPrint turns fontTools' logger up to DEBUG while it subsets each font (to
    # collect the warnings itself); propagating, that is hundreds of lines per
    # report in the worker's log and a measurable share of the time.
    logging.getLogger("fontTools").propagate = False
    document = weasyprint.HTML(string=html, url_fetcher=_data_only_fetcher(weasyprint))
    pdf: bytes = document.write_pdf()
    return pdf


def _data_only_fetcher(weasyprint: Any) -> Any:
    """WeasyPrint's own fetcher restricted to ``data:`` URIs: a ``file:`` or ``http:``
    address in a report (typed into a facility's profile, say) is refused, never read
    from the server's disk or the network."""
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:
        return fetcher_class(allowed_protocols={"data"})

    def fetch(url: str) -> Any:  # WeasyPrint before 67: a plain function
        if not url.startswith("data:"):
            raise ValueError(f"A report fetches nothing but data: URIs, not {url[:60]!r}")
        return weasyprint.default_url_fetcher(url)

    return fetch


# --- Paged media -----------------------------------------------------------------------------


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string or the style sheet."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ")
    )
    return f'"{escaped}"'


def page_counter() -> SafeString:
    """The footer's "Page N of M" as a CSS ``content`` value in the active language:
    the translated words as strings around the page counters."""
    text = _("Page %(page)s of %(pages)s")
    pieces = re.split(r"%\((page|pages)\)s", text)
    values = [
        f"counter({piece})" if index % 2 else css_string(piece)
        for index, piece in enumerate(pieces)
        if index % 2 or piece
    ]
    return mark_safe(" ".join(values))  # noqa: S308 — every string piece is CSS-escaped


# --- Sections and their titles (the headings and the table of contents) ---------------------


def facility_sections(report: FacilityProgress) -> list[tuple[str, str]]:
    sections = [("profile", _("Profile"))]
    if report.for_brand:
        sections.append(("scorecard", _("Scorecard")))
    sections += [
        ("findings", _("Findings")),
        ("caps", _("Corrective action plans")),
        ("overdue", _("Overdue CAPs")),
        ("repeats", _("Repeat findings")),
        ("root_causes", _("Root causes")),
    ]
    if report.practices is not None:
        sections.append(("purchasing", _("Your purchasing practices")))
    sections += [
        ("timeline", _("The last 12 months")),
        ("comments", _("Recent comments")),
    ]
    return sections


def program_sections(report: ProgramSummary) -> list[tuple[str, str]]:
    return [
        ("facilities", _("Facilities")),
        ("grades", _("Scorecards")),
        ("closure", _("Closing CAPs")),
        ("overdue", _("Overdue CAPs")),
        ("categories", _("Top finding categories")),
        ("repeats", _("Repeat findings")),
        ("purchasing", _("Purchasing practices")),
        ("trends", _("Trends over 12 months")),
    ]


SECTIONS: dict[str, Callable[[Any], list[tuple[str, str]]]] = {
    FACILITY_PROGRESS: facility_sections,
    PROGRAM_SUMMARY: program_sections,
}


# --- Charts ----------------------------------------------------------------------------------


def _described(title: str, pairs: list[tuple[str, float]]) -> str:
    """A chart's accessible name: its title and every number it draws."""
    return f"{title}: {', '.join(f'{name} {value:g}' for name, value in pairs)}"


def months_chart(
    months: list[MonthActivity], *, width: int = 480, show_values: bool = False
) -> SafeString:
    found, verified = _("Findings raised"), _("CAPs verified")
    names = [formats.date_format(row.month, "M") for row in months]
    label = _("%(found)s and %(verified)s per month: %(months)s") % {
        "found": found,
        "verified": verified,
        "months": ", ".join(
            f"{formats.date_format(row.month, 'YEAR_MONTH_FORMAT')} {row.findings}/{row.verified}"
            for row in months
        ),
    }
    return charts.column_chart(
        names,
        [
            (found, [row.findings for row in months], FOUND_COLOUR),
            (verified, [row.verified for row in months], VERIFIED_COLOUR),
        ],
        label=label,
        width=width,
        show_values=show_values,
    )


def facility_charts(report: FacilityProgress) -> dict[str, Any]:
    severity = [(row.label, float(row.open)) for row in report.by_severity]
    category = [(row.label, float(row.open)) for row in report.by_category if row.open][:10]
    statuses = [(t.label, float(t.count), STATUS_COLOURS[t.key]) for t in report.cap_statuses]
    drawn: dict[str, Any] = {
        "severity": charts.bar_chart(
            severity,
            label=_described(_("Open findings by severity"), severity),
            colours=[SEVERITY_COLOURS[row.key] for row in report.by_severity],
        ),
        "category": charts.bar_chart(
            category, label=_described(_("Open findings by category"), category)
        ),
        "caps": charts.stacked_bar(
            statuses,
            label=_described(_("CAPs by status"), [(name, v) for name, v, _c in statuses]),
        ),
        # The facility report prints no month table: the values are on the columns.
        "months": months_chart(report.months, width=640, show_values=True),
    }
    card = report.scorecard
    if card is not None:
        drawn["components"] = [
            (
                component,
                charts.horizontal_bar(
                    component.points,
                    component.max_points,
                    label=_("%(label)s: %(points)d of %(max)d points taken off")
                    % {
                        "label": component.label,
                        "points": component.points,
                        "max": component.max_points,
                    },
                    width=110,
                ),
            )
            for component in card.components
        ]
        scores = [snapshot.score for snapshot in card.history]
        drawn["history"] = charts.sparkline(
            scores,
            label=_("Score at the close of the last %(count)d months: %(scores)s")
            % {"count": len(scores), "scores": ", ".join(str(score) for score in scores)}
            if scores
            else _("No monthly snapshot yet"),
            width=360,
            height=60,
        )
    return drawn


def program_charts(report: ProgramSummary) -> dict[str, Any]:
    statuses = [(t.label, float(t.count)) for t in report.statuses]
    countries = [(t.label, float(t.count)) for t in report.countries[:10]]
    scores = [row.average_score for row in report.months]
    drawn: dict[str, Any] = {
        **{f"csr_{key}": chart for key, chart in csr_charts(report.csr).items()},
        **{f"sourcing_{key}": chart for key, chart in sourcing_charts(report.sourcing).items()},
        "statuses": charts.bar_chart(
            statuses, label=_described(_("Facilities by relationship status"), statuses)
        ),
        "countries": charts.bar_chart(
            countries, label=_described(_("Facilities by country"), countries)
        ),
        "months": months_chart(report.months),
        "scores": charts.sparkline(
            scores,
            label=_("Average score at the close of each month: %(scores)s")
            % {"scores": ", ".join("—" if s is None else f"{s:g}" for s in scores)},
            width=480,
            height=60,
        ),
    }
    drawn["closure"] = [(row, closure_bar(row)) for row in report.closure]
    drawn["closure_all"] = closure_bar(report.closure_total)
    return drawn


def closure_bar(row: Closure) -> SafeString:
    rate = row.rate
    return charts.horizontal_bar(
        rate or 0,
        100,
        label=_("%(label)s: %(rate)s %% of CAPs verified")
        % {"label": row.label, "rate": "—" if rate is None else f"{rate:g}"},
        colour=charts.score_colour(rate or 0),
        width=110,
    )


__all__ = [
    "FACILITY_PROGRESS",
    "KINDS",
    "PROGRAM_SUMMARY",
    "html_to_pdf",
    "render_report",
    "report_html",
]
