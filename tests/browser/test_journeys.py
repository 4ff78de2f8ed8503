"""End-to-end journeys through the pages, in a real browser against a live server."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any, cast

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from csr_platform.models import Membership, Organization
from tests.factories import PASSWORD, OrganizationFactory, member

pytestmark = pytest.mark.browser


def organization(kind: str, name: str) -> Organization:
    return cast(Organization, OrganizationFactory(kind=kind, name=name))


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def main_nav(page: Page) -> Any:
    return page.get_by_role("navigation", name="Main")


def heading(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def api_get(url: str, key: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Token {key}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_login_switch_and_api_token(page: Page, live_server: Any) -> None:
    # Memberships are listed by organization name: the brand comes first.
    brand = organization("brand", "Acme Apparel")
    admin = member("brand", "admin", organization=brand)
    supplier = organization("supplier", "Zenith Textiles")
    second = Membership.objects.create(user=admin.user, organization=supplier, role="member")

    sign_in(page, live_server.url, admin.user.email)
    expect(heading(page)).to_have_text(brand.name)

    switcher = page.get_by_role("form", name="Switch organization")
    switcher.get_by_label("Acting for").select_option(str(second.pk))
    switcher.get_by_role("button", name="Switch").click()
    expect(heading(page)).to_have_text(supplier.name)
    expect(page.get_by_role("status")).to_contain_text(f"You now act for {supplier.name}.")

    switcher.get_by_label("Acting for").select_option(str(admin.pk))
    switcher.get_by_role("button", name="Switch").click()
    expect(heading(page)).to_have_text(brand.name)

    main_nav(page).get_by_role("link", name="API keys", exact=True).click()
    expect(heading(page)).to_have_text("API keys")
    page.get_by_label("Name").fill("BI export")
    page.get_by_role("button", name="Create the key").click()
    new_key = page.locator("#new-key")
    expect(new_key).not_to_be_empty()
    key = new_key.inner_text().strip()

    whoami = f"{live_server.url}/api/v1/whoami/"
    status, body = api_get(whoami, key)
    assert status == 200, body
    assert body["authenticated_by"] == "token"
    assert body["membership"]["organization"]["name"] == brand.name
    assert body["membership"]["id"] == str(admin.pk)

    page.on("dialog", lambda dialog: dialog.accept())
    row = page.locator("#tokens tbody tr").filter(has_text="BI export")
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text("The key “BI export” was revoked.")
    expect(page.locator("#new-key")).to_have_count(0)
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)

    status, body = api_get(whoami, key)
    assert status == 401, body


def test_wrong_password_then_lockout_message(page: Page, live_server: Any) -> None:
    account = member("brand", "admin")
    limit = settings.AXES_FAILURE_LIMIT

    def attempt() -> int:
        with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/accounts/login/")
        ) as answer:
            sign_in(page, live_server.url, account.user.email, "not-the-password")
        return answer.value.status

    for _ in range(limit - 1):
        assert attempt() == 200
        expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
        expect(heading(page)).to_have_text("Sign in")

    # The failure that reaches the limit locks the account out from this address.
    assert attempt() == 429
    expect(heading(page)).to_have_text("Too many failed sign-ins")

    # Even the right password is refused while the lockout lasts.
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        sign_in(page, live_server.url, account.user.email)
    assert answer.value.status == 429
    expect(heading(page)).to_have_text("Too many failed sign-ins")


def test_admin_invites_member_who_accepts(page: Page, live_server: Any, new_context: Any) -> None:
    brand = organization("brand", "Acme Apparel")
    admin = member("brand", "admin", organization=brand)
    invitee = "new.colleague@example.com"

    sign_in(page, live_server.url, admin.user.email)
    expect(heading(page)).to_have_text(brand.name)
    main_nav(page).get_by_role("link", name="Members", exact=True).click()
    expect(heading(page)).to_have_text(f"Members of {brand.name}")

    invite = page.locator("section").filter(has=page.get_by_role("heading", name="Invite someone"))
    invite.get_by_label("E-mail").fill(invitee)
    invite.get_by_label("Role").select_option(label="CSR staff")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"Invitation sent to {invitee}.")
    expect(page.get_by_role("heading", name="Open invitations")).to_be_visible()
    open_row = page.locator("#invitations tbody tr").filter(has_text=invitee)
    expect(open_row).to_contain_text("CSR staff")

    # The e-mail went out when the live server's transaction committed.
    sent = [m for m in mail.outbox if invitee in m.to]
    assert len(sent) == 1, [m.to for m in mail.outbox]
    body = str(sent[0].body)
    found = re.search(re.escape(settings.SITE_URL) + r"(/accounts/invitations/\S+/)", body)
    assert found, body
    accept_url = live_server.url + found.group(1)

    stranger = new_context().new_page()
    stranger.goto(accept_url)
    expect(heading(stranger)).to_have_text(f"Join {brand.name}")
    stranger.get_by_label("Your name").fill("Nora Colleague")
    stranger.get_by_label("Choose a password").fill("a-long-and-unusual-passphrase-42")
    stranger.get_by_label("Password again").fill("a-long-and-unusual-passphrase-42")
    stranger.get_by_role("button", name="Create my account and join").click()

    expect(heading(stranger)).to_have_text(brand.name)
    expect(stranger.get_by_role("status")).to_contain_text(f"Welcome to {brand.name}.")
    main_nav(stranger).get_by_role("link", name="Members", exact=True).click()
    expect(stranger.locator("#members")).to_contain_text(invitee)
    expect(stranger.locator("#members")).to_contain_text("Nora Colleague")

    # The admin no longer sees the invitation as open.
    page.reload()
    expect(page.locator("#invitations tbody tr").filter(has_text=invitee)).to_have_count(0)
