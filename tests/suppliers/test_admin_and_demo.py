"""Platform staff keep country risk ratings in the admin and look at tenants' supplier
data there without changing it; the demo shows Northwind's suppliers in every
relationship status, built through the real services, and can be loaded twice."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from csr_platform import demo as core_demo
from csr_platform.models import Invitation, Membership, Organization, User
from suppliers import demo
from suppliers.models import (
    Certification,
    CountryRisk,
    ExitPlan,
    ExitStep,
    Facility,
    FacilityEvent,
    Questionnaire,
    Screening,
    Section,
    SourcingRelationship,
)
from tests.factories import member

pytestmark = pytest.mark.django_db

Status = SourcingRelationship.Status


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The demo creates a dozen logins; real hashing would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seeded() -> None:
    """The organizations of the core demo and the suppliers demo on top of them."""
    core_demo.seed(io.StringIO())
    demo.seed(io.StringIO())


def staff_browser() -> Client:
    staff = User.objects.create_superuser(
        email="support@platform.example", password="x-" * 8, full_name="Support"
    )
    browser = Client()
    browser.force_login(staff)
    return browser


def snapshot() -> dict[str, int]:
    models: list[Any] = [
        Organization,
        User,
        Membership,
        Invitation,
        CountryRisk,
        Facility,
        Certification,
        SourcingRelationship,
        FacilityEvent,
        Questionnaire,
        Screening,
        ExitPlan,
        ExitStep,
    ]
    return {model.__name__: model.objects.count() for model in models}


# --- Admin ------------------------------------------------------------------------------


def test_every_suppliers_admin_page_loads_for_platform_staff() -> None:
    seeded()
    browser = staff_browser()
    relationship = SourcingRelationship.objects.get(facility__os_id="TR2024DEMO00008")
    pages = [
        "/admin/suppliers/countryrisk/",
        "/admin/suppliers/countryrisk/add/",
        f"/admin/suppliers/countryrisk/{CountryRisk.objects.get(country='BD').pk}/change/",
        "/admin/suppliers/facility/",
        "/admin/suppliers/facility/?country=VN&lifecycle__exact=active&q=saigon",
        f"/admin/suppliers/facility/{relationship.facility_id}/change/",
        "/admin/suppliers/sourcingrelationship/",
        "/admin/suppliers/sourcingrelationship/?status__exact=exiting",
        f"/admin/suppliers/sourcingrelationship/{relationship.pk}/change/",
        "/admin/suppliers/questionnaire/",
        f"/admin/suppliers/questionnaire/{Questionnaire.objects.earliest('created_at').pk}/change/",
        f"/admin/suppliers/section/{Section.objects.earliest('id').pk}/change/",
        "/admin/suppliers/screening/",
        f"/admin/suppliers/screening/{Screening.objects.earliest('sent_at').pk}/change/",
        "/admin/suppliers/exitplan/",
        f"/admin/suppliers/exitplan/{relationship.exit_plans.get().pk}/change/",
    ]

    statuses = {url: browser.get(url).status_code for url in pages}

    assert statuses == dict.fromkeys(pages, 200)
    exit_page = browser.get(f"/admin/suppliers/exitplan/{relationship.exit_plans.get().pk}/change/")
    assert "Verify payment of the outstanding overtime premiums" in exit_page.content.decode()


def test_staff_rate_a_country_and_cannot_change_tenants_relationships() -> None:
    seeded()
    browser = staff_browser()
    bangladesh = CountryRisk.objects.get(country="BD")
    relationship = SourcingRelationship.objects.get(
        facility__os_id="VN2024DEMO00005", brand__slug="northwind"
    )

    saved = browser.post(
        f"/admin/suppliers/countryrisk/{bangladesh.pk}/change/",
        {"country": "BD", "rating": "72", "rationale": "Reviewed.", "source_url": ""},
    )
    refused = browser.post(
        f"/admin/suppliers/sourcingrelationship/{relationship.pk}/change/",
        {"status": "rejected"},
    )

    assert saved.status_code == 302
    bangladesh.refresh_from_db()
    assert bangladesh.rating == 72
    assert refused.status_code == 403
    relationship.refresh_from_db()
    assert relationship.status == Status.APPROVED
    assert browser.get("/admin/suppliers/sourcingrelationship/add/").status_code == 403


def test_tenant_members_do_not_reach_the_admin() -> None:
    browser = Client()
    browser.force_login(member(role="admin").user)

    response = browser.get("/admin/suppliers/facility/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Demo -------------------------------------------------------------------------------


def test_seed_demo_twice_adds_nothing_the_second_time_and_shows_every_status() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()

    output = io.StringIO()
    call_command("seed_demo", stdout=output)

    assert snapshot() == first
    assert "0 relationships added" in output.getvalue()
    northwind = SourcingRelationship.objects.filter(brand__slug="northwind")
    assert set(northwind.values_list("status", flat=True)) == set(Status.values)
    assert not northwind.filter(risk_score__isnull=True).exists()
    assert CountryRisk.objects.count() == 11
    assert all("not an assessment" in r.rationale for r in CountryRisk.objects.all())
    countries = set(Facility.objects.values_list("country", flat=True))
    assert {"BD", "VN", "KH", "IN", "TR", "MX"} <= countries


def test_the_demo_decisions_were_made_by_two_people_on_the_timeline() -> None:
    seeded()
    csr = User.objects.get(email="csr@northwind.example")
    sourcing = User.objects.get(email="sourcing@northwind.example")
    northwind = SourcingRelationship.objects.filter(brand__slug="northwind")

    awaiting = northwind.get(status=Status.IN_REVIEW)
    approved = northwind.get(status=Status.APPROVED)
    exiting = northwind.get(status=Status.EXITING)

    assert (awaiting.pending_decision, awaiting.decided_by) == ("approve", csr)
    assert awaiting.signed_off_by is None
    assert (approved.decided_by, approved.signed_off_by) == (csr, sourcing)
    assert Screening.objects.filter(
        relationship=awaiting,
        status="submitted",
        submitted_by__email="admin@dhaka-knitwear.example",
    ).exists()
    plan = exiting.exit_plans.get()
    assert plan.status == ExitPlan.Status.IN_PROGRESS
    assert plan.phase_down
    assert plan.steps.filter(done_at__isnull=False).count() == 1
    assert plan.steps.filter(done_at__isnull=True).count() == 2
    assert northwind.get(status=Status.EXITED).exit_plans.get().status == "completed"
    actions = set(exiting.events.values_list("action", flat=True))
    assert {
        "relationship_added",
        "questionnaire_sent",
        "approve_signed_off",
        "exit_signed_off",
    } <= actions
    # One facility is on both brands' lists: the same record, two relationships.
    shared = Facility.objects.get(os_id=demo.SHARED_OS_ID)
    assert set(shared.relationships.values_list("brand__slug", flat=True)) == {
        "northwind",
        "bluefjord",
    }
