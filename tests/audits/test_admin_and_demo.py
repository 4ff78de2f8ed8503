"""Platform staff look at audits, findings, observations, shares, amendments and
severity policies in the admin without changing them; the demo tells three years of
audits of the demo factories through the real services — repeats of fixes that did
not hold, a shared audit, a zero-tolerance alert, a finding flagged by a change of
law, a draft in progress — and can be loaded twice."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from audits import demo
from audits.models import Audit, AuditAmendment, AuditShare, Finding, Observation, SeverityPolicy
from csr_platform import demo as core_demo
from csr_platform.models import Membership, Notification, User
from laws import demo as laws_demo
from laws.taxonomy import FindingCategory, Severity
from suppliers import demo as suppliers_demo
from tests.audits.helpers import add_finding, draft_audit, facility_of
from tests.factories import member

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/audits/audit/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The demo creates a dozen logins; real hashing would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seeded() -> str:
    """The demo of every app the audits demo builds on, then the audits demo; returns
    what the audits demo printed."""
    core_demo.seed(io.StringIO())
    laws_demo.seed(io.StringIO())
    suppliers_demo.seed(io.StringIO())
    output = io.StringIO()
    demo.seed(output)
    return output.getvalue()


def login(email: str, slug: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(
        user__email=email, organization__slug=slug
    )


def staff_browser() -> Client:
    staff = User.objects.create_superuser(
        email="support@platform.example", password="x-" * 8, full_name="Support"
    )
    browser = Client()
    browser.force_login(staff)
    return browser


def snapshot() -> dict[str, int]:
    models: list[Any] = [
        Audit,
        Finding,
        Observation,
        AuditShare,
        AuditAmendment,
        SeverityPolicy,
        Notification,
    ]
    return {model.__name__: model.objects.count() for model in models}


# --- Demo -------------------------------------------------------------------------------


def test_seed_demo_twice_adds_no_audit_data_the_second_time() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()

    output = io.StringIO()
    call_command("seed_demo", stdout=output)

    assert snapshot() == first
    assert first["Audit"] == len(demo.AUDITS)
    assert "Audits: 0 audits added (0 draft) with 0 findings" in output.getvalue()


def test_the_demo_audits_each_factory_several_times_over_three_years_across_schemes() -> None:
    printed = seeded()
    today = timezone.localdate()
    audits = list(Audit.objects.select_related("facility"))

    per_facility: dict[str, int] = {}
    for audit in audits:
        per_facility[audit.facility.name] = per_facility.get(audit.facility.name, 0) + 1
    days = [audit.start_date for audit in audits]
    assert f"Audits: {len(demo.AUDITS)} audits added (1 draft)" in printed
    assert len(per_facility) >= 6
    assert min(per_facility.values()) >= 2, per_facility
    assert len({audit.scheme for audit in audits}) >= 3
    assert {audit.audit_type for audit in audits} >= {
        Audit.Type.INITIAL,
        Audit.Type.PERIODIC,
        Audit.Type.FOLLOW_UP,
        Audit.Type.UNANNOUNCED,
    }
    assert len({day.year for day in days}) >= 3
    assert max(days) - min(days) > timedelta(days=2 * 365)
    assert all(audit.end_date < today for audit in audits)
    assert all(audit.audit_firm and audit.lead_auditor for audit in audits)
    # The whole taxonomy shows up, each severity of the ladder too.
    findings = Finding.objects.select_related("audit__facility", "requirement")
    assert {f.category for f in findings} == set(FindingCategory.values)
    assert {f.severity for f in findings} >= set(Severity.values) - {Severity.OBSERVATION}
    # A finding cites the law version in force on its audit's first day, in its country.
    cited = [f for f in findings if f.requirement is not None]
    assert len(cited) >= 10
    for finding in cited:
        law, day = finding.requirement, finding.audit.start_date
        assert law is not None
        assert str(law.country) == str(finding.audit.facility.country)
        assert law.effective_from <= day, finding
        assert law.effective_to is None or day <= law.effective_to, finding


def test_the_demo_records_law_checked_observations_and_a_draft_in_progress() -> None:
    seeded()

    draft = Audit.objects.get(status=Audit.Status.DRAFT)
    pending = Observation.objects.get(suggestion=Observation.Suggestion.PENDING)
    accepted = Observation.objects.filter(suggestion=Observation.Suggestion.ACCEPTED)
    dismissed = Observation.objects.get(suggestion=Observation.Suggestion.DISMISSED)

    assert pending.audit == draft
    assert pending.requirement is not None
    assert pending.explanation
    assert draft.findings.exists()
    assert accepted.count() >= 5
    assert all(o.finding is not None and o.finding.source == "law_check" for o in accepted)
    assert "Dismissed: Payroll re-checked" in dismissed.note
    assert dismissed.decided_by == User.objects.get(email="csr@northwind.example")
    assert Observation.objects.filter(suggestion=Observation.Suggestion.NONE).exists()


def test_the_demo_shows_fixes_that_did_not_hold_a_shared_audit_and_a_zero_tolerance_alert() -> None:
    seeded()
    bluefjord_csr = login("csr@bluefjord.example", "bluefjord")
    northwind_csr = login("csr@northwind.example", "northwind")

    repeats = list(
        Finding.objects.filter(repeat_of__isnull=False).select_related("audit", "repeat_of__audit")
    )
    assert len(repeats) >= 3
    for repeat in repeats:
        earlier = repeat.repeat_of
        assert earlier is not None
        assert earlier.not_sustained_at is not None
        assert earlier.status == Finding.Status.RESOLVED
        assert earlier.category == repeat.category
        assert earlier.audit.facility_id == repeat.audit.facility_id
        assert earlier.audit.start_date < repeat.audit.start_date

    active = AuditShare.objects.select_related("audit", "answered_by").get(
        status=AuditShare.Status.ACTIVE
    )
    pending = AuditShare.objects.get(status=AuditShare.Status.PENDING)
    visible_to_bluefjord = Audit.objects.visible_to(bluefjord_csr)
    assert active.brand == bluefjord_csr.organization
    assert active.audit.brand == northwind_csr.organization
    assert active.answered_by == User.objects.get(email="admin@saigon-stitch.example")
    assert visible_to_bluefjord.filter(pk=active.audit_id).exists()
    assert pending.brand == bluefjord_csr.organization
    assert not visible_to_bluefjord.filter(pk=pending.audit_id).exists()

    zero_tolerance = Finding.objects.get(severity=Severity.ZERO_TOLERANCE)
    assert zero_tolerance.audit.audit_type == Audit.Type.UNANNOUNCED
    assert Notification.objects.filter(
        membership=northwind_csr,
        kind=Notification.Kind.ZERO_TOLERANCE,
        title__contains=zero_tolerance.audit.facility.name,
    ).exists()


def test_the_demo_flags_a_finding_whose_law_changed_and_follows_the_brands_policy() -> None:
    seeded()
    northwind_csr = login("csr@northwind.example", "northwind")

    flagged = Finding.objects.select_related("audit", "requirement").get(law_review_needed=True)
    law = flagged.requirement
    assert law is not None
    assert flagged.status == Finding.Status.OPEN
    assert law.superseded_by_id is not None
    assert law.effective_to is not None
    assert law.effective_from <= flagged.audit.start_date <= law.effective_to
    assert "The law changed from" in flagged.law_review_note
    assert Notification.objects.filter(
        membership=northwind_csr, kind=Notification.Kind.LAW_CHANGE
    ).exists()

    policy = SeverityPolicy.objects.get(brand__slug="northwind")
    assert policy.major_days != SeverityPolicy.DEFAULT_DAYS[Severity.MAJOR]
    major = (
        Finding.objects.filter(
            audit__brand__slug="northwind", audit__status="final", severity=Severity.MAJOR
        )
        .select_related("audit")
        .first()
    )
    assert major is not None
    assert major.due_date == major.audit.end_date + timedelta(days=policy.major_days)


# --- Admin ------------------------------------------------------------------------------


def test_every_audits_admin_page_opens_for_platform_staff() -> None:
    seeded()
    browser = staff_browser()
    shared = AuditShare.objects.get(status=AuditShare.Status.ACTIVE)
    repeat = Finding.objects.filter(repeat_of__isnull=False).first()
    assert repeat is not None
    pages = [
        CHANGELIST,
        f"{CHANGELIST}?status__exact=final&scheme__exact=smeta&audit_type__exact=periodic",
        f"{CHANGELIST}?facility__country=VN&q=thu+duc",
        f"{CHANGELIST}{shared.audit_id}/change/",
        f"{CHANGELIST}{Audit.objects.get(status='draft').pk}/change/",
        "/admin/audits/finding/",
        "/admin/audits/finding/?severity__exact=zero_tolerance&repeat_of__isempty=0",
        f"/admin/audits/finding/{repeat.pk}/change/",
        "/admin/audits/observation/",
        "/admin/audits/observation/?suggestion__exact=pending",
        f"/admin/audits/observation/{Observation.objects.earliest('created_at').pk}/change/",
        "/admin/audits/auditshare/",
        f"/admin/audits/auditshare/{shared.pk}/change/",
        "/admin/audits/severitypolicy/",
        f"/admin/audits/severitypolicy/{SeverityPolicy.objects.get().pk}/change/",
        "/admin/audits/auditamendment/",
        f"/admin/audits/auditamendment/{AuditAmendment.objects.get().pk}/change/",
    ]

    statuses = {url: browser.get(url).status_code for url in pages}

    assert statuses == dict.fromkeys(pages, 200)
    page = browser.get(f"{CHANGELIST}{shared.audit_id}/change/").content.decode()
    assert "Bluefjord Outdoor" in page  # the share inline
    assert "Monthly overtime above the legal cap" in page  # the summary, shown read-only


def test_staff_cannot_change_an_audit_nor_add_or_delete_one_from_the_admin() -> None:
    seeded()
    browser = staff_browser()
    draft = Audit.objects.get(status=Audit.Status.DRAFT)

    refused_change = browser.post(
        f"{CHANGELIST}{draft.pk}/change/", {"status": "final", "summary": "Edited."}
    )
    refused_add = browser.get(f"{CHANGELIST}add/")
    refused_delete = browser.post(f"{CHANGELIST}{draft.pk}/delete/", {"post": "yes"})
    actions = browser.get(CHANGELIST).context["action_form"]

    assert refused_change.status_code == 403
    assert refused_add.status_code == 403
    assert refused_delete.status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.finalized_at) == (Audit.Status.DRAFT, None)
    assert "Edited." not in draft.summary
    assert actions is None  # no bulk delete either


# Session, user, the active membership (page context), the filtered and the full count,
# the page of rows with their finding counts, the date bar's range and days, and the
# countries of the country filter: none per row.
CHANGELIST_QUERIES = 9


def test_the_audit_changelist_costs_the_same_queries_for_3_and_10_audits(
    django_assert_num_queries: Any,
) -> None:
    brand_admin = member("brand", "admin")
    facility = facility_of(brand_admin)
    browser = staff_browser()

    def add_audits(count: int) -> None:
        for _ in range(count):
            day = date(2024, 1, 1) + timedelta(days=Audit.objects.count() * 20)
            audit = draft_audit(brand_admin, facility, on=day)
            add_finding(brand_admin, audit)

    add_audits(3)
    with django_assert_num_queries(CHANGELIST_QUERIES):
        three = browser.get(CHANGELIST)
    add_audits(7)
    with django_assert_num_queries(CHANGELIST_QUERIES):
        ten = browser.get(CHANGELIST)

    assert (three.context["cl"].result_count, ten.context["cl"].result_count) == (3, 10)
    assert [audit.findings_count for audit in ten.context["cl"].result_list] == [1] * 10
