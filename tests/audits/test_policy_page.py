"""The severity policy page: every brand member reads the deadlines and where the
defaults come from; only an administrator changes them; suppliers and partners find
nothing here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import SeverityPolicy
from audits.services.audits import audit_finalize
from audits.services.policy import severity_policy_update
from csr_platform.models import Membership
from tests.audits.helpers import add_finding, draft_audit, facility_of
from tests.factories import member

pytestmark = pytest.mark.django_db

URL = "/audits/policy/"
VALID = {
    "zero_tolerance_days": "5",
    "critical_days": "21",
    "major_days": "60",
    "minor_days": "120",
    "escalation_grace_days": "10",
}


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def admin() -> Membership:
    return member("brand", "admin", full_name="Ada Admin")


def test_the_url_is_the_one_the_settings_link_to(admin: Membership) -> None:
    assert reverse("severity_policy") == URL
    members_page = text(client_for(admin).get(reverse("settings_members")))
    assert f'href="{URL}"' in members_page


@pytest.mark.parametrize("role", ["csr", "sourcing", "viewer"])
def test_brand_members_read_the_defaults_and_their_sources(admin: Membership, role: str) -> None:
    colleague = member("brand", role, organization=admin.organization)

    response = client_for(colleague).get(URL)

    page = text(response)
    assert response.status_code == 200
    assert "Your brand uses the platform defaults." in page
    for days in ("7 days", "30 days", "90 days", "180 days", "14 days"):
        assert days in page
    assert "RBA requires a corrective action plan within 7 calendar days" in page
    assert "Industry convention; no audit scheme sets this deadline." in page
    assert "Next audit" in page
    assert 'type="number"' not in page
    assert "Only an administrator of your brand can change these deadlines." in page


def test_the_admin_changes_the_deadlines_and_the_next_finalized_audit_uses_them(
    admin: Membership,
) -> None:
    client = client_for(admin)
    assert client.get(URL).content.decode().count('type="number"') == 5

    response = client.post(URL, VALID)

    assert response.status_code == 302
    policy = SeverityPolicy.objects.get(brand=admin.organization)
    assert (
        policy.zero_tolerance_days,
        policy.critical_days,
        policy.major_days,
        policy.minor_days,
        policy.escalation_grace_days,
    ) == (5, 21, 60, 120, 10)
    assert policy.updated_by == admin.user
    page = text(client.get(URL))
    assert "The severity policy was saved." in page
    assert 'value="21"' in page
    assert "by Ada Admin" in page
    audit = draft_audit(admin, facility_of(admin), on=date(2025, 3, 10))
    finding = add_finding(admin, audit, severity="critical")
    audit_finalize(audit=audit, by=admin)
    finding.refresh_from_db()
    assert finding.due_date == date(2025, 3, 10) + timedelta(days=21)


def test_a_ladder_that_shrinks_as_severity_falls_is_refused(admin: Membership) -> None:
    response = client_for(admin).post(URL, {**VALID, "major_days": "200", "minor_days": "100"})

    assert response.status_code == 400
    assert "Deadlines must not shrink as severity falls" in text(response)
    assert 'value="200"' in text(response)  # what was typed stays, to correct it
    assert not SeverityPolicy.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("critical_days", "0"), ("escalation_grace_days", "5000")]
)
def test_numbers_out_of_range_are_refused_next_to_their_field(
    admin: Membership, field: str, value: str
) -> None:
    response = client_for(admin).post(URL, {**VALID, field: value})

    page = text(response)
    assert response.status_code == 400
    assert f'id="id_{field}_errors"' in page
    assert "Enter a whole number of days from 1 to 1095." in page
    assert not SeverityPolicy.objects.exists()


def test_a_value_that_is_not_a_number_is_refused(admin: Membership) -> None:
    response = client_for(admin).post(URL, {**VALID, "minor_days": "six months"})

    assert response.status_code == 400
    assert "Enter a whole number." in text(response)
    assert not SeverityPolicy.objects.exists()


def test_csr_cannot_change_the_policy(admin: Membership) -> None:
    severity_policy_update(by=admin, critical_days=45)
    csr = member("brand", "csr", organization=admin.organization)

    response = client_for(csr).post(URL, VALID)

    assert response.status_code == 403
    assert SeverityPolicy.objects.get(brand=admin.organization).critical_days == 45
    assert "45 days" in text(client_for(csr).get(URL))


def test_another_brands_policy_is_never_shown(admin: Membership) -> None:
    severity_policy_update(by=admin, critical_days=45)
    other = member("brand", "csr")

    page = text(client_for(other).get(URL))

    assert "45 days" not in page
    assert "Your brand uses the platform defaults." in page


@pytest.mark.parametrize(("kind", "role"), [("supplier", "admin"), ("partner", "member")])
def test_suppliers_and_partners_find_no_policy(kind: str, role: str) -> None:
    outsider = member(kind, role)
    client = client_for(outsider)

    assert client.get(URL).status_code == 404
    assert client.post(URL, VALID).status_code == 404
    assert f'href="{URL}"' not in text(client.get(reverse("settings_members")))
    assert not SeverityPolicy.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
