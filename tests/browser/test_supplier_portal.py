"""A supplier on a phone: answers a brand's screening (save a draft, come back later,
finish, submit, see the confirmation) and sends evidence from a My CAPs card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from csr_platform.models import Membership
from remediation.models import Evidence
from suppliers.models import Screening
from suppliers.services.facilities import facility_add
from suppliers.services.screenings import questionnaire_from_template, screening_send
from tests.audits.helpers import supplier_admin_of
from tests.factories import PASSWORD, member
from tests.remediation.helpers import PDF, open_cap
from tests.suppliers.test_portal import SHORT_QUESTIONNAIRE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def viewport() -> dict[str, int]:
    return PHONE


def _send_screening() -> tuple[Membership, Screening]:
    csr = member("brand", "csr")
    csr.organization.name = "Acme Apparel"
    csr.organization.save()
    relationship = facility_add(
        by=csr, name="Lotus Knit", country="BD", supplier_name="Lotus Knit Ltd"
    )
    questionnaire = questionnaire_from_template(
        brand=csr.organization, template=SHORT_QUESTIONNAIRE
    )
    screening = screening_send(relationship=relationship, by=csr, questionnaire=questionnaire)
    supplier = member("supplier", "member", organization=relationship.facility.supplier)
    return supplier, screening


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide"


def test_a_supplier_answers_a_screening_on_a_phone(page: Page, live_server: Any) -> None:
    supplier, screening = _send_screening()
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(supplier.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Screenings").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Screenings")
    card = page.locator("#to-answer li").filter(has_text="Acme Apparel")
    expect(card).to_contain_text("Lotus Knit")
    expect(card).to_contain_text("0 of 5 answered")
    _fits_the_screen(page)
    card.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Short screening")
    proof = page.get_by_role("group", name="Do you keep proof of age for every worker?")
    proof.get_by_label("Yes").check()
    tap_target = proof.locator("label.option").first.bounding_box()
    assert tap_target is not None
    assert tap_target["height"] >= 44
    page.get_by_label("How old is your youngest worker?").fill("19")
    _fits_the_screen(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your answers were saved.")

    # Later: back to the list, and on with the same screening.
    page.get_by_role("link", name="Screenings").first.click()
    card = page.locator("#to-answer li").filter(has_text="Acme Apparel")
    expect(card).to_contain_text("2 of 5 answered")
    card.get_by_role("link", name="Continue answering").click()
    proof = page.get_by_role("group", name="Do you keep proof of age for every worker?")
    expect(proof.get_by_label("Yes")).to_be_checked()
    expect(page.get_by_label("How old is your youngest worker?")).to_have_value("19")

    # Submitting too early says what is missing, where, and keeps what was typed.
    page.get_by_label("Which certifications do you hold?").fill("WRAP gold")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Your answers were not sent")
    subcontracting = page.get_by_role("group", name="Do you subcontract any production?")
    expect(subcontracting).to_contain_text("This question needs an answer before submitting.")
    expect(page.get_by_label("Which certifications do you hold?")).to_have_value("WRAP gold")

    subcontracting.get_by_label("Yes, declared to the brand").check()
    page.get_by_label("Date of the last fire drill").fill("2025-09-15")
    page.get_by_role("button", name="Submit").click()

    confirmation = page.locator("#confirmation")
    expect(confirmation).to_contain_text("Submitted: thank you.")
    expect(confirmation).to_contain_text("Acme Apparel now reviews your answers")
    expect(page.get_by_role("button", name="Submit")).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Yes, declared to the brand")
    _fits_the_screen(page)
    screening.refresh_from_db()
    assert screening.status == "submitted"
    assert screening.relationship.status == "in_review"


def test_a_supplier_sends_evidence_from_a_my_caps_card_on_a_phone(
    page: Page, live_server: Any, tmp_path: Path
) -> None:
    brand = member("brand", "csr")
    brand.organization.name = "Acme Apparel"
    brand.organization.save()
    cap = open_cap(brand, category="OSH")
    supplier = supplier_admin_of(cap.facility)
    files = [tmp_path / "fire-licence-2026.pdf", tmp_path / "drill-log.pdf"]
    for path in files:
        path.write_bytes(PDF)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(supplier.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My CAPs").click()

    # The card's upload form is fetched when "Add evidence" is opened.
    card = page.locator(".cap-card").filter(has_text="Acme Apparel")
    expect(card.locator("form[data-evidence-drop]")).to_have_count(0)
    card.get_by_text("Add evidence").click()
    form = card.locator("form[data-evidence-drop]")
    form.get_by_label("Files").set_input_files([str(path) for path in files])
    _fits_the_screen(page)
    form.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My CAPs")
    expect(page.locator("main")).to_contain_text("2 files were uploaded.")
    expect(page.locator(".cap-card").filter(has_text="Acme Apparel")).to_contain_text(
        "2 evidence files"
    )
    assert sorted(e.file_name for e in Evidence.objects.filter(cap=cap)) == [
        "drill-log.pdf",
        "fire-licence-2026.pdf",
    ]
