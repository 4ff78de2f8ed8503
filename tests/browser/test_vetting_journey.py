"""The vetting journey in a real browser: CSR adds a facility and invites the supplier →
the supplier answers the questionnaire → CSR approves → a sourcing manager signs off →
the relationship is approved."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from csr_platform.models import Organization
from suppliers.models import Question, Screening, SourcingRelationship
from tests.factories import PASSWORD, OrganizationFactory, member

pytestmark = pytest.mark.browser

SUPPLIER_ADMIN = "owner@lotus-knit.example"
SUPPLIER_PASSWORD = "a-long-and-unusual-passphrase-42"
RATIONALE = "Clean screening; no red flag; fire certificate seen."


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def main_nav(page: Page) -> Any:
    return page.get_by_role("navigation", name="Main")


def heading(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def good_answer(question: Question) -> str:
    """An answer a committed supplier gives, as typed in the form."""
    expected = question.expected
    if question.kind == "yes_no":
        return str(expected) if expected in ("yes", "no") else "yes"
    if question.kind == "number":
        if isinstance(expected, dict):
            return str(expected.get("min", expected.get("max", 1)))
        return "1"
    if question.kind == "choice":
        return str(expected) if expected in question.choices else str(question.choices[0])
    if question.kind == "date":
        return "2025-01-15"
    return "Documented and shown on the visit."


def answer_every_question(page: Page, screening: Screening) -> None:
    for question in Question.objects.filter(section__questionnaire=screening.questionnaire):
        name, value = f"q-{question.pk}", good_answer(question)
        if question.kind in ("yes_no", "choice"):
            page.locator(f'input[name="{name}"][value="{value}"]').check()
        else:
            page.locator(f'[name="{name}"]').fill(value)


def test_csr_adds_supplier_answers_csr_approves_sourcing_signs_off(
    page: Page, live_server: Any, new_context: Any
) -> None:
    brand = cast(Organization, OrganizationFactory(kind="brand", name="Acme Apparel"))
    csr = member("brand", "csr", organization=brand, full_name="Cora CSR")
    sourcing = member("brand", "sourcing", organization=brand, full_name="Sam Sourcing")
    page.on("dialog", lambda dialog: dialog.accept())

    # CSR adds the facility and invites the supplier's administrator.
    sign_in(page, live_server.url, csr.user.email)
    main_nav(page).get_by_role("link", name="Facilities", exact=True).click()
    expect(heading(page)).to_have_text("Facilities")
    expect(page.get_by_text("Your list of facilities is empty.")).to_be_visible()
    page.get_by_role("button", name="Add a facility").first.click()
    expect(heading(page)).to_have_text("Add a facility")
    page.get_by_label("Facility name").fill("Lotus Knit")
    page.get_by_label("Country").select_option("BD")
    page.get_by_label("Address").fill("Plot 7, Gazipur")
    page.get_by_label("Supplier (company that runs the facility)").fill("Lotus Knit Ltd")
    page.get_by_label("E-mail of the supplier's administrator").fill(SUPPLIER_ADMIN)
    page.get_by_label("Workers", exact=True).fill("1200")
    page.get_by_label("Sourcing owner").select_option(label="Sam Sourcing (Sourcing manager)")
    page.get_by_role("button", name="Add the facility").click()

    expect(heading(page)).to_have_text("Lotus Knit")
    expect(page.get_by_role("status")).to_contain_text(
        f"An invitation was sent to {SUPPLIER_ADMIN}"
    )
    page.get_by_role("button", name="Send the questionnaire").click()
    expect(page.get_by_role("status")).to_contain_text("The screening questionnaire was sent")
    expect(page.locator(".head-badges")).to_contain_text("Screening")

    # The supplier's administrator accepts the invitation from the e-mail…
    sent = [m for m in mail.outbox if SUPPLIER_ADMIN in m.to]
    assert len(sent) == 1, [m.to for m in mail.outbox]
    body = str(sent[0].body)
    found = re.search(re.escape(settings.SITE_URL) + r"(/accounts/invitations/\S+/)", body)
    assert found, body
    supplier = new_context().new_page()
    supplier.on("dialog", lambda dialog: dialog.accept())
    supplier.goto(live_server.url + found.group(1))
    expect(heading(supplier)).to_have_text("Join Lotus Knit Ltd")
    supplier.get_by_label("Your name").fill("Lina Owner")
    supplier.get_by_label("Choose a password").fill(SUPPLIER_PASSWORD)
    supplier.get_by_label("Password again").fill(SUPPLIER_PASSWORD)
    supplier.get_by_role("button", name="Create my account and join").click()
    expect(heading(supplier)).to_have_text("Lotus Knit Ltd")

    # …and answers the questionnaire in the supplier portal.
    main_nav(supplier).get_by_role("link", name="Screenings", exact=True).click()
    supplier.locator("#to-answer").get_by_role("link").filter(has_text="Acme Apparel").click()
    screening = Screening.objects.get(relationship__facility__name="Lotus Knit")
    answer_every_question(supplier, screening)
    supplier.get_by_role("button", name="Submit", exact=True).click()
    expect(supplier.locator(".messages")).to_contain_text(
        "Thank you: your answers were sent to Acme Apparel."
    )

    # CSR reads the answers and the risk, and approves.
    page.reload()
    expect(page.locator(".head-badges")).to_contain_text("In review")
    expect(page.locator("#answers")).to_be_visible()
    expect(page.locator("#answers .red-flag")).to_have_count(0)
    expect(page.locator("#risk")).to_contain_text("Country baseline")
    decide = page.locator("details").filter(has_text="Decide: approve")
    decide.get_by_label("Approve", exact=True).check()
    decide.get_by_label("Rationale").fill(RATIONALE)
    decide.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Your decision was recorded.")
    expect(page.get_by_role("note").filter(has_text="You made this decision")).to_be_visible()
    expect(page.get_by_role("button", name="Sign off")).to_have_count(0)

    # A sourcing manager signs it off from the queue.
    signer = new_context().new_page()
    sign_in(signer, live_server.url, sourcing.user.email)
    main_nav(signer).get_by_role("link", name="Sign-offs", exact=True).click()
    expect(heading(signer)).to_have_text("Decisions waiting for your sign-off")
    decision = signer.locator("#sign-offs article").filter(has_text="Lotus Knit")
    expect(decision).to_contain_text(RATIONALE)
    expect(decision).to_contain_text("Cora CSR")
    decision.get_by_role("button", name="Sign off").click()
    expect(signer.get_by_role("status")).to_contain_text("Signed off: Lotus Knit is now approved.")
    expect(signer.get_by_text("Nothing is waiting for your sign-off.")).to_be_visible()

    # The relationship is approved, for everyone at the brand.
    page.reload()
    expect(page.locator(".head-badges")).to_contain_text("Approved")
    expect(page.locator("#timeline")).to_contain_text("Approval signed off")
    relationship = SourcingRelationship.objects.get(brand=brand)
    assert relationship.status == "approved"
    assert relationship.decided_by == csr.user
    assert relationship.signed_off_by == sourcing.user
    main_nav(page).get_by_role("link", name="Pipeline", exact=True).click()
    expect(page.locator("section.status-approved")).to_contain_text("Lotus Knit")
    expect(page.locator("section.status-in_review")).not_to_contain_text("Lotus Knit")
