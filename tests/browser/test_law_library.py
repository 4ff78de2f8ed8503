"""The law library in a real browser: browse, search, read a rule, compare, check."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from laws.services import library_import
from tests.factories import PASSWORD, member
from tests.laws.test_pages import LIBRARY

pytestmark = pytest.mark.browser


def test_csr_browses_compares_and_checks_against_the_law(page: Page, live_server: Any) -> None:
    library_import(copy.deepcopy(LIBRARY))
    csr = member("brand", "csr")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(csr.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Law library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Law library")
    expect(page.get_by_role("note").first).to_contain_text("Guidance only")

    search = page.get_by_role("search", name="Filter the library")
    search.get_by_label("Search").fill("consent")
    search.get_by_label("Country").select_option("BD")
    search.get_by_role("button", name="Filter").click()
    results = page.locator("#requirements tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Overtime needs the worker's consent")

    results.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bangladesh: Overtime")
    expect(page.get_by_role("link", name="Read the source")).to_have_attribute(
        "rel", "noopener noreferrer"
    )
    expect(page.locator("#versions tbody tr")).to_have_count(1)

    page.get_by_role("link", name="Compare countries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare countries")
    comparison = page.locator("#comparison")
    expect(comparison.get_by_role("row", name="Bangladesh")).to_contain_text("60")
    expect(comparison.get_by_role("row", name="Cambodia")).to_contain_text("unverified")
    expect(comparison.get_by_role("row", name="Vietnam")).to_contain_text("No rule recorded")

    page.get_by_role("link", name="Check values").click()
    page.get_by_label("Country").select_option("BD")
    page.get_by_label("Hours worked in a week (longest week)").fill("72")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator("#check-result")).to_contain_text(
        "72 h worked in a week; Bangladesh Labour Act s.108 allows at most 60 h."
    )
    expect(page.locator("#check-result")).to_contain_text("Major")
