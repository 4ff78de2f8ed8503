"""The audit journey in a real browser: CSR opens a draft audit, imports a findings
file, is shown the row that cannot be imported, fixes the file, imports it, and
finalizes the audit — the findings get their due dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from playwright.sync_api import Page, expect

from audits.models import Audit, Finding
from csr_platform.models import Organization
from tests.audits.helpers import draft_audit, facility_of
from tests.browser.test_vetting_journey import heading, sign_in
from tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.browser

HEADER = "Category,Severity,Finding,SMETA clause,Workers affected\n"
GOOD_ROWS = (
    "HOURS,major,Workers worked 72 hours in the peak week,6.1,140\n"
    "OSH,critical,Fire exit on the second floor locked during the shift,3.4,600\n"
)


def test_csr_imports_findings_fixes_a_row_error_and_finalizes(
    page: Page, live_server: Any, tmp_path: Path
) -> None:
    brand = cast(Organization, OrganizationFactory(kind="brand", name="Acme Apparel"))
    csr = member("brand", "csr", organization=brand, full_name="Cora CSR")
    facility = facility_of(csr, name="Lotus Knit")
    audit = draft_audit(csr, facility, on=date(2025, 9, 1), end_date=date(2025, 9, 2))
    bad = tmp_path / "findings.csv"
    bad.write_text(HEADER + GOOD_ROWS + "WAGES,major,Piece rates below the minimum wage,5.1,80\n")
    fixed = tmp_path / "findings-fixed.csv"
    fixed.write_text(HEADER + GOOD_ROWS + "WAGE,major,Piece rates below the minimum wage,5.1,80\n")

    sign_in(page, live_server.url, csr.user.email)
    page.goto(f"{live_server.url}/audits/{audit.pk}/")
    page.get_by_role("button", name="Import findings").click()
    expect(heading(page)).to_contain_text("Import findings")

    # The file with an unknown category: the row is shown with its error, nothing lands.
    page.get_by_label("Findings file (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and match the columns").click()
    page.get_by_role("button", name="Check every row").click()
    problem = page.locator("tr.row-error").first
    expect(problem).to_contain_text("WAGES")
    expect(page.get_by_role("button", name="Import 3 findings")).to_have_count(0)
    assert not Finding.objects.filter(audit=audit).exists()

    # Fixed and uploaded again: three findings are imported.
    page.get_by_role("button", name="Fix the file and upload it again").click()
    page.get_by_label("Findings file (CSV or XLSX)").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload and match the columns").click()
    page.get_by_role("button", name="Check every row").click()
    expect(page.locator("tr.row-error")).to_have_count(0)
    page.get_by_role("button", name="Import 3 findings").click()
    expect(heading(page)).not_to_contain_text("Import findings")
    expect(page.locator("#audit-work")).to_contain_text("Fire exit on the second floor")
    assert Finding.objects.filter(audit=audit).count() == 3

    # Finalize: frozen, with due dates from the default severity policy.
    page.locator("summary", has_text="Finalize the audit").click()
    page.get_by_role("button", name="Finalize the audit", exact=True).click()
    expect(page.locator("#audit-work")).to_contain_text("2025-10-02")  # critical: 30 days
    audit.refresh_from_db()
    assert audit.status == Audit.Status.FINAL
    assert set(audit.findings.values_list("due_date", flat=True)) == {
        date(2025, 10, 2),
        date(2025, 12, 1),
    }
    expect(page.get_by_role("button", name="Import findings")).to_have_count(0)
