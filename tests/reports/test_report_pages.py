"""The report pages: ask for a report, watch its progress, download it, retry it;
and the brand's report branding."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import documents
from reports.models import ReportBranding, ReportRequest
from reports.services.report_requests import report_generate, report_request
from tests.audits.helpers import facility_of, supplier_admin_of
from tests.conftest import signed_in, text_of
from tests.factories import Brand, member
from tests.reports.helpers import FAKE_PDF, PNG, FakeRenderer, downloaded, png

pytestmark = pytest.mark.django_db


def test_the_reports_page_asks_for_a_report_and_shows_its_progress(
    brand: Brand, renderer: FakeRenderer, django_capture_on_commit_callbacks: Any
) -> None:
    browser = signed_in(brand.csr)
    empty = browser.get("/reports/")
    assert empty.status_code == 200
    assert "No report yet" in text_of(empty)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = browser.post("/reports/", {"kind": "program_summary"})
    report = ReportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/"

    waiting = text_of(browser.get(f"/reports/{report.pk}/progress/"))
    assert 'hx-trigger="every 1s"' in waiting  # keeps polling
    assert 'value="0"' in waiting
    assert "Waiting for a worker" in waiting

    queued[0]()
    done = text_of(browser.get(f"/reports/{report.pk}/progress/"))
    assert "hx-trigger" not in done  # stops polling
    assert 'value="100"' in done
    assert f"/reports/{report.pk}/download/" in done
    download = browser.get(f"/reports/{report.pk}/download/")
    assert downloaded(download) == FAKE_PDF
    assert f"/reports/{report.pk}/" in text_of(browser.get("/reports/"))


def test_bad_input_keeps_the_form_with_its_error(brand: Brand, renderer: FakeRenderer) -> None:
    browser = signed_in(brand.csr)
    theirs = facility_of(Brand("Other Brand").admin, name="Their Mill")

    missing = browser.post("/reports/", {"kind": "facility_progress"})
    foreign = browser.post("/reports/", {"kind": "facility_progress", "facility": str(theirs.pk)})

    assert missing.status_code == 400
    assert "Choose the facility the report is about." in text_of(missing)
    assert foreign.status_code == 400
    assert "Their Mill" not in text_of(foreign)
    assert not ReportRequest.objects.exists()


def test_a_failed_report_says_why_and_is_tried_again(
    brand: Brand, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(documents, "render_report", FakeRenderer(error=ValueError("No data.")))
    report = report_request(by=brand.csr, kind="program_summary")
    report_generate(report_id=str(report.pk))
    browser = signed_in(brand.csr)

    page = text_of(browser.get(f"/reports/{report.pk}/"))
    assert "The report could not be generated." in page
    assert "No data." in page
    assert "Try again" in page
    assert browser.get(f"/reports/{report.pk}/download/").status_code == 409

    monkeypatch.setattr(documents, "render_report", FakeRenderer())
    with django_capture_on_commit_callbacks(execute=True):
        retried = browser.post(f"/reports/{report.pk}/retry/")
    assert retried.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.DONE
    assert browser.post(f"/reports/{report.pk}/retry/").status_code == 409


def test_other_tenants_reports_are_not_found_and_roles_without_reports_are_refused(
    brand: Brand, renderer: FakeRenderer
) -> None:
    report = report_request(by=brand.admin, kind="program_summary")
    report_generate(report_id=str(report.pk))
    stranger = signed_in(Brand("Other Brand").admin)
    facility = facility_of(brand.admin)
    supplier_member = member("supplier", "member", organization=facility.supplier)

    for path in ("", "progress/", "download/"):
        assert stranger.get(f"/reports/{report.pk}/{path}").status_code == 404
    assert stranger.post(f"/reports/{report.pk}/retry/").status_code == 404
    assert str(report.pk) not in text_of(stranger.get("/reports/"))
    assert signed_in(supplier_member).get("/reports/").status_code == 403
    assert signed_in(member("partner", "member")).get("/reports/").status_code == 403


def test_a_supplier_admin_is_offered_only_its_facility_progress_report(brand: Brand) -> None:
    facility = facility_of(brand.admin, name="Own Mill")
    facility_of(brand.admin, name="Someone Else's Mill")
    page = text_of(signed_in(supplier_admin_of(facility)).get("/reports/"))

    assert "Own Mill" in page
    assert "Someone Else" not in page
    assert 'value="program_summary"' not in page
    assert "leaves out the brands' internal notes" in page


def test_the_list_page_runs_a_fixed_number_of_queries(brand: Brand) -> None:
    browser = signed_in(brand.admin)
    facility = facility_of(brand.admin)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/reports/").status_code == 200
        return len(queries)

    report_request(by=brand.admin, kind="facility_progress", facility=facility)
    few = count_queries()
    for _ in range(8):
        report_request(by=brand.csr, kind="facility_progress", facility=facility)
    assert count_queries() == few


# --- Branding ---------------------------------------------------------------------------------


def logo(content: bytes = PNG, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_a_brand_admin_sets_the_colour_and_logo_the_reports_carry(
    brand: Brand, renderer: FakeRenderer
) -> None:
    browser = signed_in(brand.admin)
    assert browser.get("/reports/branding/").status_code == 200

    saved = browser.post("/reports/branding/", {"colour": "#aa3300", "logo": logo()})

    assert saved.status_code == 302
    branding = ReportBranding.objects.get(organization=brand.org)
    assert branding.colour == "#aa3300"
    assert browser.get("/reports/branding/logo/")["Content-Type"] == "image/png"
    report = report_request(by=brand.csr, kind="program_summary")
    report_generate(report_id=str(report.pk))
    used = renderer.calls[0]["branding"]
    assert (used.colour, used.logo, used.logo_type) == ("#aa3300", PNG, "image/png")

    removed = browser.post("/reports/branding/", {"colour": "#aa3300", "remove_logo": "on"})
    assert removed.status_code == 302
    branding.refresh_from_db()
    assert not branding.logo


@pytest.mark.parametrize(
    ("content", "name", "error"),
    [
        (b"<svg onload=alert(1)></svg>", "logo.png", "must be a PNG or JPEG"),
        (b"GIF89a" + b"\0" * 40, "logo.png", "must be a PNG or JPEG"),
        (png(2400, 10), "wide.png", "larger than 2000 pixels"),
        (PNG + b"\0" * (600 * 1024), "big.png", "larger than 512 KB"),
    ],
)
def test_a_logo_is_checked_by_content_and_size(
    brand: Brand, content: bytes, name: str, error: str
) -> None:
    response = signed_in(brand.admin).post(
        "/reports/branding/", {"colour": "#aa3300", "logo": logo(content, name)}
    )
    assert response.status_code == 400
    assert error in text_of(response)
    assert not ReportBranding.objects.exists()


def test_only_the_brand_admin_sets_the_branding(brand: Brand) -> None:
    assert signed_in(brand.csr).get("/reports/branding/").status_code == 403
    response = signed_in(brand.csr).post("/reports/branding/", {"colour": "#000000"})
    assert response.status_code == 403
    assert not ReportBranding.objects.exists()


def test_the_branding_api_sets_and_reads_the_colour(brand: Brand) -> None:
    from tests.conftest import api_error, token_client

    admin = token_client(brand.admin)
    assert admin.get("/api/v1/report-branding/").json()["count"] == 0
    bad = admin.post("/api/v1/report-branding/", {"colour": "red"}, format="json")
    assert api_error(bad, 400)["fields"]["colour"]

    saved = admin.post("/api/v1/report-branding/", {"colour": "#123abc"}, format="json")

    assert saved.status_code == 200
    assert saved.json()["colour"] == "#123abc"
    assert saved.json()["logo_url"] is None
    read = token_client(brand.viewer).get(f"/api/v1/report-branding/{brand.org.pk}/")
    assert read.json()["colour"] == "#123abc"


def test_the_facility_page_leads_to_its_progress_report_form_filled_in(brand: Brand) -> None:
    facility = facility_of(brand.admin, name="Lotus Knit")
    browser = signed_in(brand.csr)

    facility_page = text_of(browser.get(reverse("facility_detail", args=[facility.pk])))
    link = f"/reports/?new=facility_progress&amp;facility={facility.pk}"
    assert link in facility_page

    form = text_of(browser.get(f"/reports/?new=facility_progress&facility={facility.pk}"))
    assert f'<option value="{facility.pk}" selected>' in form
    assert '<option value="facility_progress" selected>' in form
