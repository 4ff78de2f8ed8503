"""The remediation journey in a real browser: a supplier on a phone opens its CAP,
records a root cause and a preventive action, uploads two evidence files and submits;
the brand's CSR verifies; the timeline shows every step to both."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from playwright.sync_api import Page, expect

from csr_platform.models import Organization
from remediation.models import CorrectiveActionPlan, Evidence
from tests.audits.helpers import facility_of, supplier_admin_of
from tests.browser.test_vetting_journey import heading, main_nav, sign_in
from tests.factories import OrganizationFactory, member
from tests.remediation.helpers import PDF, open_cap

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def unfold(page: Page, summary: str) -> None:
    """Open a folded form (some start open when there is nothing yet)."""
    details = page.locator("details", has=page.locator("summary", has_text=summary)).first
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()


def test_supplier_on_a_phone_works_a_cap_and_submits_then_csr_verifies(
    page: Page, live_server: Any, new_context: Any, tmp_path: Path
) -> None:
    brand = cast(Organization, OrganizationFactory(kind="brand", name="Acme Apparel"))
    csr = member("brand", "csr", organization=brand, full_name="Cora CSR")
    facility = facility_of(csr, name="Lotus Knit")
    cap = open_cap(csr, facility=facility, category="OSH", severity="major", on=date(2025, 9, 1))
    supplier = supplier_admin_of(facility)
    certificate = tmp_path / "fire-licence-2026.pdf"
    certificate.write_bytes(PDF)
    photo = tmp_path / "exit-unlocked.png"
    photo.write_bytes(PNG)
    page.on("dialog", lambda dialog: dialog.accept())

    # The supplier, on a phone, finds the plan in "My CAPs" and opens it.
    phone = new_context().new_page()
    phone.set_viewport_size(PHONE)
    phone.on("dialog", lambda dialog: dialog.accept())
    sign_in(phone, live_server.url, supplier.user.email)
    main_nav(phone).get_by_role("link", name="My CAPs").click()
    card = phone.locator(".cap-card").first
    expect(card).to_contain_text("Acme Apparel")
    expect(card).to_contain_text("Record at least one root cause")
    card.get_by_role("button", name="Open").or_(card.get_by_role("link", name="Open")).click()

    # A five-whys root cause…
    unfold(phone, "Add a root cause")
    form = phone.locator("form.root-cause-form")
    form.get_by_label("Why? (1)").fill("Why was the exit locked?")
    form.get_by_label("Because (1)").fill("To stop theft at night.")
    form.get_by_label("Why? (2)").fill("Why was it still locked by day?")
    form.get_by_label("Because (2)").fill("No one is responsible for opening it.")
    form.locator("select[name$=category]").select_option("policy")
    form.get_by_label("Root cause").fill("No procedure names who opens the exits each shift.")
    form.get_by_role("button", name="Record the root cause").click()
    expect(phone.locator("#cap-root-causes")).to_contain_text("No procedure names who opens")

    # …a preventive action…
    unfold(phone, "Add an action")
    actions = phone.locator("#cap-actions")
    actions.get_by_label("Kind").select_option("preventive")
    actions.locator("textarea[name$=description]").fill(
        "The shift supervisor unlocks and logs every exit."
    )
    actions.get_by_label("Responsible person").fill("Head of administration")
    actions.get_by_label("Due").fill("2030-01-31")
    actions.get_by_role("button", name="Add the action").click()
    expect(actions).to_contain_text("The shift supervisor unlocks")

    # …two evidence files at once, then submit.
    unfold(phone, "Upload evidence")
    evidence = phone.locator("#cap-evidence")
    evidence.get_by_label("Files").set_input_files([str(certificate), str(photo)])
    evidence.get_by_role("button", name="Upload", exact=True).click()
    expect(evidence).to_contain_text("fire-licence-2026.pdf")
    expect(evidence).to_contain_text("exit-unlocked.png")
    phone.get_by_role("button", name="Submit for verification").click()
    expect(phone.locator(".head-badges, #cap-header").first).to_contain_text("Submitted")
    assert Evidence.objects.filter(cap=cap).count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The brand's CSR verifies from the queue.
    sign_in(page, live_server.url, csr.user.email)
    page.goto(f"{live_server.url}/caps/verification/")
    row = page.locator("tr", has_text="Lotus Knit")
    row.get_by_role("link", name="Review").click()
    expect(heading(page)).to_contain_text("F-1")
    unfold(page, "Verify the fix")
    page.get_by_label("Verification note").fill("Photos and licence checked; exits open.")
    page.get_by_role("button", name="Verify", exact=True).click()
    cap.refresh_from_db()
    assert cap.status == CorrectiveActionPlan.Status.VERIFIED

    # Every step is on the timeline, for the brand and for the supplier.
    steps = [
        "CAP opened",
        "Work started",
        "Root cause recorded",
        "Action planned",
        "Evidence uploaded",
        "Submitted for verification",
        "Verified",
    ]
    for viewer in (page, phone):
        viewer.goto(f"{live_server.url}/caps/{cap.pk}/")
        timeline = viewer.locator("#cap-timeline")
        for step in steps:
            expect(timeline).to_contain_text(step)
