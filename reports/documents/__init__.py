"""The PDF reports: a facility's progress report and a brand's programme summary.

``render_report(kind, viewpoint=…, on=…, branding=…)`` returns the PDF's bytes;
``report_html`` and ``html_to_pdf`` are its two halves, for callers that want the
HTML alone or to time the layout on its own.
"""

from reports.documents.branding import Branding
from reports.documents.render import (
    FACILITY_PROGRESS,
    KINDS,
    PROGRAM_SUMMARY,
    html_to_pdf,
    render_report,
    report_html,
)

__all__ = [
    "FACILITY_PROGRESS",
    "KINDS",
    "PROGRAM_SUMMARY",
    "Branding",
    "html_to_pdf",
    "render_report",
    "report_html",
]
