"""The PDF reports, read back as a reader would: the text pypdf extracts from the
pages. What each audience finds in them (and never finds: internal comments, another
tenant's facilities, a supplier's view of brand-internal scores), the numbers in the
right places, the page furniture, the queries each report costs and what it refuses.

PDFs are rendered only where the PDF itself is the point (a few, ~1 s each); the
rest reads the HTML that is handed to WeasyPrint."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from csr_platform.models import Membership
from remediation.models import CorrectiveActionPlan
from remediation.services.work import comment_add, root_cause_add
from reports.documents import (
    FACILITY_PROGRESS,
    PROGRAM_SUMMARY,
    Branding,
    html_to_pdf,
    render_report,
    report_html,
)
from reports.scorecards import brand_viewpoint
from suppliers.models import Facility, SourcingRelationship
from suppliers.services.facilities import certification_add
from tests.audits.helpers import also_sourced_by, facility_of, supplier_admin_of
from tests.factories import Brand
from tests.remediation.helpers import verified
from tests.reports import audited, brand_with_facilities, cap_of, days_ago

pytestmark = pytest.mark.django_db

PUBLIC_COMMENT = "The new fire exit signs were fitted on every floor this morning."
INTERNAL_COMMENT = "Between us: suspend the next order if the exits slip again."
RISK_NOTE = "Owner is related to the district labour inspector."
# A 1×1 PNG: the smallest image a header can carry.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c6310f75b0600018b010c6ab322f90000000049454e44ae426082"
)


def pdf_text(pdf: bytes) -> str:
    """Every page's text, pages in order, whitespace runs made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def squeezed(text: str) -> str:
    """Text without any whitespace: extraction splits some kerned pairs ("T ekstil")."""
    return "".join(text.split())


def html_text(html: str) -> str:
    """The HTML's words, tags dropped, style sheet aside."""
    body = html.split("</style>", 1)[1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def overdue_by(cap: CorrectiveActionPlan, days: int) -> None:
    CorrectiveActionPlan.objects.filter(pk=cap.pk).update(
        due_date=timezone.localdate() - timedelta(days=days)
    )


class Story:
    """Acme sources from Alpha Knit. Its audit 40 days ago found a critical and two
    major non-compliances (all still open), a minor one (fixed and verified) and an
    observation. The critical CAP is 12 days overdue. The supplier wrote a comment
    everyone reads; Acme wrote itself an internal one.

    Beacon, another brand, also sources from Alpha Knit: its own audit there found a
    major wage problem, and it has a facility of its own, Zeta Dyeing, with an
    overdue CAP. Acme never sees either; Alpha's supplier sees Beacon's audit too.
    """

    def __init__(self) -> None:
        self.acme = Brand("Acme Apparel")
        admin = self.acme.admin
        self.alpha = facility_of(admin, name="Alpha Knit", country="BD")
        self.supplier = supplier_admin_of(self.alpha)
        SourcingRelationship.objects.filter(facility=self.alpha).update(risk_notes=RISK_NOTE)
        certification_add(
            facility=self.alpha,
            by=admin,
            name="SA8000",
            number="SA-2291",
            issued_on=days_ago(300),
            expires_on=days_ago(-400),
        )
        self.audit = audited(
            admin,
            self.alpha,
            days=40,
            findings=[
                {"severity": "critical", "category": "OSH"},
                {"severity": "major", "category": "HOURS"},
                {"severity": "major", "category": "OSH"},
                {"severity": "minor", "category": "FACIL"},
                {"severity": "observation", "category": "MGMT"},
            ],
        )
        self.critical = cap_of(self.audit, 1)
        overdue_by(self.critical, 12)
        verified(cap_of(self.audit, 4), self.supplier, admin)
        root_cause_add(
            cap=cap_of(self.audit, 2),
            by=self.supplier,
            method="fishbone",
            category="purchasing_practice",
            purchasing_code="BP_LATE_CHANGE",
            cause="The buyer moved the ship date forward by two weeks.",
        )
        comment_add(cap=self.critical, by=self.supplier, body=PUBLIC_COMMENT)
        comment_add(cap=self.critical, by=admin, body=INTERNAL_COMMENT, internal=True)

        self.beacon = Brand("Beacon Outfitters")
        also_sourced_by(self.beacon.admin, self.alpha)
        audited(
            self.beacon.admin,
            self.alpha,
            days=30,
            findings=[{"severity": "major", "category": "WAGE"}],
        )
        self.zeta = facility_of(self.beacon.admin, name="Zeta Dyeing", country="VN")
        zeta_audit = audited(
            self.beacon.admin,
            self.zeta,
            days=50,
            findings=[{"severity": "critical", "category": "FORCED"}],
        )
        overdue_by(cap_of(zeta_audit, 1), 30)
        comment_add(
            cap=cap_of(zeta_audit, 1), by=self.beacon.admin, body="Beacon's own remark on Zeta."
        )


@pytest.fixture
def story() -> Story:
    return Story()


def facility_pdf(
    story: Story, viewpoint: Membership, branding: Branding, progress: list[int] | None = None
) -> str:
    pdf = render_report(
        FACILITY_PROGRESS,
        viewpoint=viewpoint,
        on=timezone.localdate(),
        branding=branding,
        facility=story.alpha,
        progress=(progress.append if progress is not None else lambda percent: None),
    )
    assert pdf.startswith(b"%PDF-")
    return pdf_text(pdf)


# --- The facility progress report ----------------------------------------------------------


def test_a_brand_reads_its_facility_with_the_numbers_scorecard_and_public_comments(
    story: Story,
) -> None:
    text = facility_pdf(story, story.acme.admin, Branding(name="Acme Apparel", logo=PNG))

    assert "Alpha Knit" in text
    # The key figures: three non-compliances still open (the minor one was verified,
    # the observation is not one); Beacon's wage finding is Beacon's business.
    assert re.search(
        r"OPEN FINDINGS 3 OPEN CAPS 3 OVERDUE CAPS 1 REPEAT FINDINGS 0 SCORE \d+ [A-E]", text
    )
    assert re.search(r"3 open of 4 non-compliances found in final audits", text)
    assert "Wages, benefits" not in text
    assert "Beacon" not in text
    # The overdue list: the critical OSH plan, 12 days late.
    assert re.search(r"F-1 Workplace health and safety Critical Acme Apparel \S+ 12\b", text)
    # The scorecard with its breakdown, and the brand's own purchasing practice.
    assert "Scorecard" in text
    assert re.search(r"Score \d+ out of 100, grade [A-E]", text)
    assert re.search(r"Open findings −16 of 40 3 open findings: 1 critical, 2 major", text)
    assert re.search(r"Vetting risk −0 of 10", text)
    assert "Late design or order changes" in text
    assert re.search(r"SA8000 SA-2291 \S+ \S+ valid", text)
    # The conversation: the public comment, never the internal one (nor its event),
    # nor the brand's internal risk notes; the footnote says why.
    assert PUBLIC_COMMENT in text
    assert "suspend the next order" not in text
    assert RISK_NOTE not in text
    assert "Internal comments are never printed in a report" in text
    # Page furniture: the organization in the header, numbered pages.
    assert re.search(r"Page 1 of \d", text)
    assert "Facility progress report" in text


def test_a_supplier_reads_its_facility_without_anything_brand_internal(story: Story) -> None:
    progress: list[int] = []

    text = facility_pdf(
        story, story.supplier, Branding(name="Alpha Knit Group", colour="#0b6e4f"), progress
    )

    assert "Alpha Knit" in text
    assert "Alpha Knit Group" in text  # the supplier's own branding in the header
    # The supplier sees every brand's audits on its facility: Beacon's wage finding
    # makes four open non-compliances of five.
    assert re.search(r"OPEN FINDINGS 4 OPEN CAPS 4 OVERDUE CAPS 1 REPEAT FINDINGS 0 Profile", text)
    assert re.search(r"4 open of 5 non-compliances found in final audits", text)
    assert "Beacon Outfitters" in text
    # No scorecard, no purchasing practices, nothing internal.
    assert "Scorecard" not in text
    assert "SCORE" not in text
    assert "Your purchasing practices" not in text
    assert "Late design or order changes" not in text
    assert "suspend the next order" not in text
    assert RISK_NOTE not in text
    assert PUBLIC_COMMENT in text
    # Progress went up at every stage, from 5 to 95.
    assert progress == sorted(set(progress))
    assert progress[0] == 5
    assert progress[-1] == 95
    assert len(progress) == 5


def test_a_facility_with_no_history_says_so_in_words() -> None:
    brand = Brand("Acme Apparel")
    facility = facility_of(brand.admin, name="Quiet Mill")

    text = html_text(
        report_html(
            FACILITY_PROGRESS,
            viewpoint=brand.admin,
            on=timezone.localdate(),
            branding=Branding(name="Acme Apparel"),
            facility=facility,
        )
    )

    for sentence in (
        "No certification recorded.",
        "No final audit yet.",
        "No non-compliance found in a final audit.",
        "No corrective action plan yet.",
        "No overdue CAPs.",
        "No repeat findings",
        "No root cause recorded yet.",
        "None of your purchasing practices is named as a root cause at this facility.",
        "No audit and no CAP milestone in the last 12 months.",
        "No comment on this facility's CAPs yet.",
        "No monthly snapshot yet",
    ):
        assert sentence in text, sentence


# --- The programme summary ------------------------------------------------------------------


def test_the_programme_summary_has_contents_page_numbers_and_only_the_brands_own_data(
    story: Story,
) -> None:
    pdf = render_report(
        PROGRAM_SUMMARY,
        viewpoint=brand_viewpoint(story.acme.org),
        on=timezone.localdate(),
        branding=Branding(name="Acme Apparel", colour="#7a1f5c", logo=PNG),
    )
    text = pdf_text(pdf)

    # A table of contents whose entries carry the page they start on.
    assert "Contents" in text
    for title in ("Facilities", "Scorecards", "Closing CAPs", "Overdue CAPs", "Trends over 12"):
        assert re.search(rf"{title}[^.]*\.{{3,}}\s*\d", text), title
    assert re.search(r"Page 1 of \d", text)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert f"Page {pages} of {pages}" in text
    # Acme's portfolio: one facility, one overdue CAP (Beacon's 30-day-late one at
    # Zeta would make two), its closure rate: 1 of 4 CAPs verified.
    assert re.search(
        r"CURRENT FACILITIES 1 OPEN CAPS 3 OVERDUE CAPS 1 "
        r"CLOSURE RATE 25 % REPEAT-FINDING RATE 0 %",
        text,
    )
    assert re.search(r"Alpha Knit F-1 Workplace health and safety Critical \S+ 12\b", text)
    assert "Alpha Knit" in text
    assert "Zeta Dyeing" not in squeezed(text)
    assert "Forced, bonded" not in text
    assert "Beacon" not in text
    assert "Late design or order changes" in text


def test_a_supplier_cannot_have_the_programme_summary(story: Story) -> None:
    with pytest.raises(ValueError, match="Only a brand"):
        report_html(
            PROGRAM_SUMMARY,
            viewpoint=story.supplier,
            on=timezone.localdate(),
            branding=Branding(name="Alpha Knit Group"),
        )


def test_a_facility_report_needs_a_facility_the_reader_sees(story: Story) -> None:
    today = timezone.localdate()
    branding = Branding(name="Acme Apparel")
    with pytest.raises(ValueError, match="Choose the facility"):
        report_html(FACILITY_PROGRESS, viewpoint=story.acme.admin, on=today, branding=branding)
    with pytest.raises(ValueError, match="not one of yours"):
        report_html(
            FACILITY_PROGRESS,
            viewpoint=story.acme.admin,
            on=today,
            branding=branding,
            facility=story.zeta,
        )
    with pytest.raises(ValueError, match="not one of yours"):
        report_html(
            FACILITY_PROGRESS,
            viewpoint=story.supplier,
            on=today,
            branding=branding,
            facility=story.zeta,
        )
    with pytest.raises(ValueError, match="no report of the kind"):
        report_html("annual_review", viewpoint=story.acme.admin, on=today, branding=branding)


# --- What a report costs ----------------------------------------------------------------------

# Pinned: a change that adds a query per facility, per finding or per CAP shows here.
# The programme summary's 25 include filling the brand's current scorecards on this
# first read (10) and reading their grades and lowest scores (2).
PROGRAM_QUERIES = 25
FACILITY_QUERIES = 21


def queries_for(kind: str, viewpoint: Membership, **kwargs: object) -> tuple[int, str]:
    """The queries the report's HTML costs, and its text."""
    with CaptureQueriesContext(connection) as captured:
        html = report_html(
            kind,
            viewpoint=viewpoint,
            on=timezone.localdate(),
            branding=Branding(name="Acme Apparel"),
            **kwargs,  # type: ignore[arg-type]
        )
    return len(captured), html_text(html)


def test_the_programme_summary_costs_the_same_queries_for_2_and_10_facilities() -> None:
    small, large = brand_with_facilities(2), brand_with_facilities(10, name="Bigger Brand")

    (few, _text), (many, text) = (
        queries_for(PROGRAM_SUMMARY, brand_viewpoint(small.org)),
        queries_for(PROGRAM_SUMMARY, brand_viewpoint(large.org)),
    )

    assert few == many == PROGRAM_QUERIES
    assert "10 facilities scored." in text


def busy_mill(brand: Brand) -> Facility:
    """Four audits, 300 to 10 days ago, each with a critical and a major problem still
    open (overdue) and discussed, and a minor canteen problem fixed and verified —
    found again at the next audit each time, so three findings are repeats."""
    busy = facility_of(brand.admin, name="Busy Mill")
    supplier = supplier_admin_of(busy)
    for days in (300, 200, 100, 10):
        audit = audited(
            brand.admin,
            busy,
            days=days,
            findings=[
                {"severity": "critical", "category": "OSH"},
                {"severity": "major", "category": "HOURS"},
                {"severity": "minor", "category": "FACIL"},
            ],
        )
        for number in (1, 2):
            overdue_by(cap_of(audit, number), days // 2)
            comment_add(cap=cap_of(audit, number), by=supplier, body=f"Working on it ({days}).")
        verified(cap_of(audit, 3), supplier, brand.admin)
    return busy


def test_the_facility_report_costs_the_same_queries_for_a_short_and_a_long_history() -> None:
    brand = Brand("Acme Apparel")
    quiet = facility_of(brand.admin, name="Quiet Mill")
    audited(brand.admin, quiet, days=100, findings=[{"severity": "major", "category": "OSH"}])
    busy = busy_mill(brand)

    (few, _text), (many, text) = (
        queries_for(FACILITY_PROGRESS, brand.admin, facility=quiet),
        queries_for(FACILITY_PROGRESS, brand.admin, facility=busy),
    )

    assert few == many == FACILITY_QUERIES
    # The long history is all there: each repeat with the day it was first found.
    assert "3 findings repeat problems whose fix had been verified before." in text
    for found_again, first_found in ((10, 100), (100, 200), (200, 300)):
        row = (
            f"F-3 Dormitories, canteens, sanitation, childcare Minor "
            f"{days_ago(found_again):%Y-%m-%d} {days_ago(first_found):%Y-%m-%d} "
        )
        assert row in text, row


# --- Branding and what a report may fetch ------------------------------------------------------


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "174ea6", "#12345g"])
def test_a_colour_must_be_written_rrggbb(colour: str) -> None:
    with pytest.raises(ValueError, match="#rrggbb"):
        Branding(name="Acme Apparel", colour=colour)


def test_a_logo_must_be_the_png_or_jpeg_it_claims_to_be() -> None:
    with pytest.raises(ValueError, match="PNG or JPEG"):
        Branding(name="Acme Apparel", logo=PNG, logo_type="image/svg+xml")
    with pytest.raises(ValueError, match="not a valid image/jpeg"):
        Branding(name="Acme Apparel", logo=PNG, logo_type="image/jpeg")

    branding = Branding(name="Acme Apparel", logo=PNG)

    assert branding.logo_uri.startswith("data:image/png;base64,iVBORw0KGgo")
    assert Branding(name="Acme Apparel").logo_uri == ""


def test_table_heads_keep_a_readable_text_colour_on_any_brand_colour() -> None:
    assert Branding(name="Dark", colour="#174ea6").text_colour == "#ffffff"
    assert Branding(name="Light", colour="#ffd84d").text_colour == "#1f2328"


def images_in(pdf: bytes) -> int:
    """Image objects the PDF's pages draw (directly or inside a form)."""
    count = 0
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        stack = [page.get("/Resources")]
        while stack:
            resources = stack.pop()
            if resources is None:
                continue
            resources = resources.get_object()
            for xobject in (resources.get("/XObject") or {}).values():
                xobject = xobject.get_object()
                if xobject.get("/Subtype") == "/Image":
                    count += 1
                elif xobject.get("/Resources") is not None:
                    stack.append(xobject["/Resources"])
    return count


def test_a_report_embeds_a_data_uri_but_fetches_no_file_or_url(tmp_path: object) -> None:
    from pathlib import Path

    image = Path(str(tmp_path)) / "secret.png"
    image.write_bytes(PNG)
    data_uri = Branding(name="x", logo=PNG).logo_uri

    embedded = html_to_pdf(f'<p>Logo</p><img src="{data_uri}" width="20" height="20">')
    refused = html_to_pdf(
        f'<p>Logo</p><img src="file://{image}" width="20" height="20">'
        '<img src="http://127.0.0.1:9/logo.png" width="20" height="20">'
    )

    assert images_in(embedded) == 1
    assert images_in(refused) == 0


def test_the_html_and_the_pdf_are_separate_steps(story: Story) -> None:
    html = report_html(
        FACILITY_PROGRESS,
        viewpoint=story.acme.admin,
        on=timezone.localdate(),
        branding=Branding(name="Acme Apparel", colour="#7a1f5c", logo=PNG),
        facility=story.alpha,
    )

    assert html.startswith("<!DOCTYPE html>")
    assert "data:image/png;base64," in html
    assert "#7a1f5c" in html
    assert "counter(pages)" in html
