"""A CAP carries its finding's category and severity (so the dashboards count plans
without joining every finding): copied when the audit's CAPs open, corrected with
the finding when a final finding is amended, filled in for plans that existed
before the copy, written by the scale generator, and shown to platform staff."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F, Q
from django.test import Client

from audits.models import Finding
from audits.services.audits import audit_finalize
from audits.services.findings import finding_amend
from csr_platform.models import User
from remediation.models import CorrectiveActionPlan
from remediation.services.opening import cap_follow_finding, caps_open_for_audit
from tests.audits.helpers import add_finding, draft_audit, facility_of, final_audit
from tests.factories import Brand
from tests.remediation.helpers import open_cap

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/remediation/correctiveactionplan/"
BEFORE_THE_COPY = [("remediation", "0003_cap_open_by_due_date")]


def disagreeing() -> int:
    """Plans whose copy differs from their finding."""
    return CorrectiveActionPlan.objects.filter(
        ~Q(category=F("finding__category")) | ~Q(severity=F("finding__severity"))
    ).count()


def test_each_plan_opens_with_its_finding_s_category_and_severity() -> None:
    brand = Brand("Acme Apparel")
    audit = draft_audit(brand.admin, facility_of(brand.admin))
    add_finding(brand.admin, audit, category="FORCED", severity="zero_tolerance")
    add_finding(brand.admin, audit, category="HOURS", severity="major")
    add_finding(brand.admin, audit, category="MGMT", severity="observation")
    audit_finalize(audit=audit, by=brand.admin)

    caps = caps_open_for_audit(audit_id=str(audit.pk))

    assert sorted((cap.category, cap.severity) for cap in caps) == [
        ("FORCED", "zero_tolerance"),
        ("HOURS", "major"),
    ]
    stored = CorrectiveActionPlan.objects.filter(finding__audit=audit)
    assert sorted(stored.values_list("category", "severity")) == [
        ("FORCED", "zero_tolerance"),
        ("HOURS", "major"),
    ]


def test_amending_a_final_finding_corrects_its_plan_in_the_same_transaction() -> None:
    brand = Brand("Acme Apparel")
    cap = open_cap(brand.admin, category="OSH", severity="major")

    with transaction.atomic():
        finding_amend(
            finding=cap.finding,
            by=brand.csr,
            reason="The auditor's report files the locked exit as critical fire safety.",
            severity="critical",
            category="FACIL",
        )
        # Read inside the amendment's transaction: never a moment out of step.
        assert CorrectiveActionPlan.objects.values_list("category", "severity").get(pk=cap.pk) == (
            "FACIL",
            "critical",
        )

    finding_amend(
        finding=cap.finding,
        by=brand.csr,
        reason="Canteen problem, not safety.",
        category="OSH",
    )
    cap.refresh_from_db()
    assert (cap.category, cap.severity) == ("OSH", "critical")
    assert disagreeing() == 0


def test_following_a_finding_without_a_plan_writes_nothing() -> None:
    brand = Brand("Acme Apparel")
    audit = final_audit(brand.admin, facility_of(brand.admin), severity="observation")
    observation = Finding.objects.get(audit=audit)

    assert cap_follow_finding(finding_id=str(observation.pk)) == 0


@pytest.mark.django_db(transaction=True)
def test_plans_opened_before_the_copy_existed_are_filled_in_by_the_migration() -> None:
    brand = Brand("Acme Apparel")
    facility = facility_of(brand.admin)
    open_cap(brand.admin, category="WAGE", severity="critical", facility=facility)
    open_cap(brand.admin, category="HOURS", severity="minor", facility=facility)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("remediation")

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_COPY)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)

    assert sorted(CorrectiveActionPlan.objects.values_list("category", "severity")) == [
        ("HOURS", "minor"),
        ("WAGE", "critical"),
    ]


def test_the_scale_generator_writes_each_plan_s_copy(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command(
        "generate_scale_data",
        "--scale=0.002",
        "--seed=7",
        f"--today={date(2025, 6, 30).isoformat()}",
        f"--manifest={tmp_path / 'manifest.json'}",
        stdout=io.StringIO(),
    )

    assert CorrectiveActionPlan.objects.count() > 100
    assert disagreeing() == 0


def test_platform_staff_see_the_copy_and_filter_by_it_in_the_admin() -> None:
    brand = Brand("Acme Apparel")
    wage = open_cap(brand.admin, category="WAGE", severity="critical")
    open_cap(brand.admin, category="HOURS", severity="minor")
    staff = User.objects.create_superuser(
        email="support@platform.example", password="x-" * 8, full_name="Support"
    )
    browser = Client()
    browser.force_login(staff)

    page = browser.get(f"{CHANGELIST}{wage.pk}/change/").content.decode()
    listed = browser.get(f"{CHANGELIST}?severity__exact=critical&category__exact=WAGE")

    assert '<div class="readonly">Critical</div>' in page
    assert '<div class="readonly">Wages, benefits, social insurance</div>' in page
    assert [cap.pk for cap in listed.context["cl"].result_list] == [wage.pk]
