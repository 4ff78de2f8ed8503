"""A CSR asks for the programme report in a real browser, watches its progress bar
reach 100 % while a worker renders it, and downloads a valid PDF."""

from __future__ import annotations

import io
import threading
from datetime import date
from typing import Any, cast

import pytest
from django.db import connection
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from csr_platform.models import Organization
from reports import tasks
from tests.audits.helpers import facility_of
from tests.browser.test_vetting_journey import heading, main_nav, sign_in
from tests.factories import OrganizationFactory, member
from tests.remediation.helpers import open_cap

pytestmark = pytest.mark.browser


class Worker:
    """The Celery worker, played by a thread: it takes the queued report only when the
    test says so, so the page is seen waiting first, then moving."""

    def __init__(self) -> None:
        self.queued: list[str] = []
        self.thread: threading.Thread | None = None

    def delay(self, report_id: str) -> None:
        self.queued.append(report_id)

    def start(self) -> None:
        def run() -> None:
            try:
                for report_id in self.queued:
                    tasks.generate_report.run(report_id)
            finally:
                connection.close()

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def join(self) -> None:
        assert self.thread is not None
        self.thread.join(timeout=60)


def test_csr_requests_a_programme_report_and_downloads_it(
    page: Page, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    brand = cast(Organization, OrganizationFactory(kind="brand", name="Acme Apparel"))
    csr = member("brand", "csr", organization=brand, full_name="Cora CSR")
    for name in ("Lotus Knit", "River Denim"):
        open_cap(csr, facility=facility_of(csr, name=name), on=date(2025, 9, 1))
    worker = Worker()
    monkeypatch.setattr(tasks.generate_report, "delay", worker.delay)

    sign_in(page, live_server.url, csr.user.email)
    main_nav(page).get_by_role("link", name="Reports").click()
    expect(heading(page)).to_have_text("Reports")
    expect(page.get_by_text("No report yet")).to_be_visible()
    page.locator("#new_kind").select_option(label="Programme summary")
    page.get_by_role("button", name="Generate the report").click()

    # The report's page: queued, the bar at 0 %, polling.
    expect(heading(page)).to_have_text("Programme summary")
    bar = page.locator("#report-progress-bar")
    expect(bar).to_have_attribute("value", "0")
    expect(page.locator("#report-progress")).to_contain_text("Waiting for a worker")

    worker.start()
    expect(bar).to_have_attribute("value", "100", timeout=30_000)
    worker.join()
    expect(page.locator("#report-progress")).to_contain_text("Ready")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("program-summary-acme-apparel-")
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Acme Apparel" in text

    # The list shows it ready too.
    main_nav(page).get_by_role("link", name="Reports").click()
    expect(page.locator("#reports")).to_contain_text("Ready")
