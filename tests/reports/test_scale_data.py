"""``manage.py generate_scale_data`` at a tiny scale: what it prints is what it wrote,
the same seed and day give the same rows, the rows keep every tenant's boundaries
and the invariants the services keep, and a reset removes generated data only.

One data set is generated for the whole module, inside a transaction rolled back at
its end; each test runs in a savepoint on top of it, so a test that regenerates or
resets leaves the next one the same data.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.test import override_settings

from audits.models import Audit, Finding
from csr_platform import demo as core_demo
from csr_platform.models import Membership, Organization, User
from remediation.models import CapAction, CapEvent, Comment, CorrectiveActionPlan, Evidence
from reports.models import CurrentScorecard
from reports.scale import scale_data_delete
from reports.scorecards import brand_viewpoint, scored_relationships
from suppliers.models import Facility, SourcingRelationship
from tests.remediation.helpers import open_cap

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)
START_OF_TODAY = datetime.combine(TODAY, time.min, tzinfo=UTC)
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]
Status = CorrectiveActionPlan.Status


@dataclass(frozen=True)
class Generated:
    output: str
    manifest: dict[str, Any]


def generate(manifest: Path, *options: str, seed: int = 7) -> str:
    """Run the command at a tiny scale; returns what it printed."""
    output = io.StringIO()
    call_command(
        "generate_scale_data",
        "--scale=0.002",
        f"--seed={seed}",
        f"--today={TODAY.isoformat()}",
        f"--manifest={manifest}",
        *options,
        stdout=output,
    )
    return output.getvalue()


@pytest.fixture(scope="module")
def scale(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Generated]:
    folder = tmp_path_factory.mktemp("scale")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHING, MEDIA_ROOT=str(folder / "media")),
        transaction.atomic(),
    ):
        output = generate(folder / "manifest.json")
        yield Generated(output, json.loads((folder / "manifest.json").read_text()))
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHING


def printed_counts(output: str) -> dict[str, int]:
    rows = re.findall(r"^  (\w+\.\w+)\s+([\d,]+)$", output, flags=re.MULTILINE)
    return {label: int(count.replace(",", "")) for label, count in rows}


def member(email: str) -> Membership:
    return Membership.objects.select_related("organization").get(user__email=email)


def snapshot() -> dict[str, list[str]]:
    """Every generated row's identity (and a CAP's and event's history), sorted."""
    models = (Organization, User, Facility, SourcingRelationship, Audit, Finding)
    rows = {
        m.__name__: sorted(str(pk) for pk in m.objects.values_list("pk", flat=True)) for m in models
    }
    rows["caps"] = sorted(
        map(
            str, CorrectiveActionPlan.objects.values_list("pk", "status", "due_date", "verified_at")
        )
    )
    rows["events"] = sorted(map(str, CapEvent.objects.values_list("pk", "action", "created_at")))
    return rows


# --- What it prints -----------------------------------------------------------------------


def test_the_counts_it_prints_are_the_rows_in_the_database(scale: Generated) -> None:
    counts = printed_counts(scale.output)

    assert counts["remediation.CorrectiveActionPlan"] > 100
    for label, count in counts.items():
        assert apps.get_model(label).objects.count() == count, label
    assert scale.manifest["counts"] == counts
    assert scale.manifest["today"] == TODAY.isoformat()
    assert "Scale data generated in" in scale.output


def test_twenty_brands_the_largest_first_share_some_facilities(scale: Generated) -> None:
    brands = Organization.objects.filter(kind="brand").annotate(sites=Count("relationships"))

    assert brands.count() == 20
    assert brands.get(slug="scale-brand-01").sites == max(b.sites for b in brands)
    shared = (
        SourcingRelationship.objects.values("facility")
        .annotate(brands=Count("brand"))
        .filter(brands__gt=1)
    )
    assert shared.exists()
    # Every supplier runs one to three facilities and has an admin who can log in.
    for supplier in Organization.objects.filter(kind="supplier").annotate(n=Count("facilities")):
        assert 1 <= supplier.n <= 3
        assert supplier.memberships.filter(role="admin").exists()


# --- Determinism --------------------------------------------------------------------------


def test_the_same_seed_and_day_give_the_same_rows(scale: Generated, tmp_path: Path) -> None:
    first = snapshot()

    generate(tmp_path / "again.json", "--reset")

    assert snapshot() == first
    again = json.loads((tmp_path / "again.json").read_text())
    assert again["largest_brand"] == scale.manifest["largest_brand"]
    assert again["counts"] == scale.manifest["counts"]


def test_every_scored_relationship_has_its_current_scorecard_filled(scale: Generated) -> None:
    brand = member(scale.manifest["largest_brand"]["members"]["csr"]).organization
    scored = scored_relationships(brand_viewpoint(brand))

    stored = CurrentScorecard.objects.filter(brand=brand, stale=False)

    assert scored.count() > 0
    assert set(stored.values_list("relationship_id", flat=True)) == set(
        scored.values_list("pk", flat=True)
    )


# --- Tenancy ------------------------------------------------------------------------------


def test_the_largest_brand_sees_only_its_own_facilities_and_caps(scale: Generated) -> None:
    largest = scale.manifest["largest_brand"]
    csr = member(largest["members"]["csr"])
    brand = csr.organization

    visible = set(Facility.objects.visible_to(csr).values_list("pk", flat=True))

    own = set(SourcingRelationship.objects.filter(brand=brand).values_list("facility", flat=True))
    assert visible == own
    assert Facility.objects.exclude(pk__in=own).exists()  # other brands' facilities exist
    caps = CorrectiveActionPlan.objects.visible_to(csr)
    assert not caps.exclude(brand=brand).exists()
    assert str(brand.pk) == largest["id"]
    assert caps.filter(pk=largest["sample_cap_id"]).exists()
    assert caps.get(pk=largest["sample_overdue_cap_id"]).is_overdue(TODAY)
    assert str(largest["sample_facility_id"]) in {str(pk) for pk in visible}


def test_a_supplier_sees_the_caps_of_its_facilities_and_no_internal_comments(
    scale: Generated,
) -> None:
    supplier = member(scale.manifest["supplier_member_email"])

    caps = CorrectiveActionPlan.objects.visible_to(supplier)

    assert caps.exists()
    assert not caps.exclude(facility__supplier=supplier.organization).exists()
    assert Comment.objects.filter(internal=True).exists()
    assert not Comment.objects.visible_to(supplier).filter(internal=True).exists()
    assert not CapEvent.objects.visible_to(supplier).filter(action="internal_comment").exists()


# --- Invariants the services keep ---------------------------------------------------------


def test_caps_are_opened_for_every_non_observation_finding_of_a_final_audit(
    scale: Generated,
) -> None:
    needs_cap = Finding.objects.filter(audit__status="final").exclude(severity="observation")

    assert needs_cap.exists()
    assert not needs_cap.filter(cap__isnull=True).exists()
    no_cap = Finding.objects.filter(Q(audit__status="draft") | Q(severity="observation"))
    assert not no_cap.filter(cap__isnull=False).exists()
    for cap in CorrectiveActionPlan.objects.select_related("finding__audit"):
        audit = cap.finding.audit
        assert (cap.brand_id, cap.facility_id) == (audit.brand_id, audit.facility_id)
        assert cap.finding.due_date is not None
        assert cap.created_at == audit.finalized_at
    assert Audit.objects.filter(status="draft").count() < Audit.objects.count() / 10


def test_cap_states_keep_the_rules_of_the_state_machine(scale: Generated) -> None:
    caps = CorrectiveActionPlan.objects.all()
    preventive = Exists(CapAction.objects.filter(cap=OuterRef("pk"), kind="preventive"))
    evidence = Exists(Evidence.objects.filter(cap=OuterRef("pk")))

    verified = caps.filter(status=Status.VERIFIED)
    assert verified.exists()
    assert not verified.filter(verified_at__isnull=True).exists()
    assert not verified.filter(~evidence).exists()
    submitted = caps.filter(submitted_at__isnull=False)
    assert not submitted.filter(~preventive).exists()
    assert not submitted.filter(root_causes__isnull=True).exists()
    # A verified fix resolves its finding, at the same moment.
    for cap in verified.select_related("finding"):
        assert cap.finding.status == Finding.Status.RESOLVED
        assert cap.finding.resolved_at == cap.verified_at
    assert not Finding.objects.filter(status="resolved").exclude(cap__status="verified").exists()
    # Verification by follow-up audit names a later final audit of the same facility.
    for cap in verified.filter(verification_method="follow_up_audit").select_related(
        "follow_up_audit", "finding__audit"
    ):
        assert cap.follow_up_audit is not None
        assert cap.follow_up_audit.facility_id == cap.facility_id
        assert cap.follow_up_audit.start_date > cap.finding.audit.start_date
    # Overdue plans are open and past due; there are some, as in any real programme.
    overdue = [c for c in caps if c.is_overdue(TODAY)]
    assert overdue
    assert all(c.is_open and c.due_date is not None and c.due_date < TODAY for c in overdue)
    assert caps.filter(status=Status.CANCELLED).exclude(cancel_reason="").exists()


def test_every_timeline_starts_when_the_cap_opened_and_ends_before_today(
    scale: Generated,
) -> None:
    opened = CapEvent.objects.filter(
        cap=OuterRef("pk"), action="opened", created_at=OuterRef("created_at")
    )
    earlier = CapEvent.objects.filter(cap=OuterRef("pk"), created_at__lt=OuterRef("created_at"))
    caps = CorrectiveActionPlan.objects.all()

    assert not caps.filter(~Exists(opened)).exists()
    assert not caps.filter(Exists(earlier)).exists()
    assert (
        not caps.filter(status=Status.VERIFIED)
        .filter(~Exists(CapEvent.objects.filter(cap=OuterRef("pk"), action="verify")))
        .exists()
    )
    assert not CapEvent.objects.filter(created_at__gte=START_OF_TODAY).exists()
    assert not Audit.objects.filter(end_date__gte=TODAY).exists()


def test_repeats_are_linked_the_way_the_product_links_them(scale: Generated) -> None:
    repeats = Finding.objects.filter(repeat_of__isnull=False).select_related(
        "audit", "repeat_of__audit", "repeat_of__cap"
    )

    assert repeats.exists()
    for finding in repeats:
        earlier = finding.repeat_of
        assert earlier is not None
        assert earlier.category == finding.category
        assert earlier.audit.facility_id == finding.audit.facility_id
        assert earlier.audit.brand_id == finding.audit.brand_id
        assert earlier.audit.start_date < finding.audit.start_date
        assert earlier.resolved_at is not None
        assert finding.audit.finalized_at is not None
        assert earlier.resolved_at < finding.audit.finalized_at
        assert earlier.not_sustained_at is not None
        assert earlier.cap.not_sustained_at is not None
    assert CapEvent.objects.filter(action="not_sustained").exists()


def test_findings_cite_the_law_in_force_on_the_audit_date(scale: Generated) -> None:
    citing = Finding.objects.filter(requirement__isnull=False).select_related(
        "requirement", "audit__facility"
    )

    assert citing.exists()
    for finding in citing:
        requirement = finding.requirement
        assert requirement is not None
        start = finding.audit.start_date
        assert str(requirement.country) == str(finding.audit.facility.country)
        assert requirement.effective_from <= start
        assert requirement.effective_to is None or requirement.effective_to >= start


def test_every_reference_points_at_a_row(scale: Generated) -> None:
    connection.check_constraints()


# --- Reset and refusal ----------------------------------------------------------------------


def other_rows() -> dict[str, int]:
    """Rows of everything that is not generated scale data."""
    return {
        "organizations": Organization.objects.exclude(slug__startswith="scale-").count(),
        "users": User.objects.exclude(email__contains="@scale-").count(),
        "facilities": Facility.objects.exclude(supplier__slug__startswith="scale-").count(),
        "audits": Audit.objects.exclude(brand__slug__startswith="scale-").count(),
        "findings": Finding.objects.exclude(audit__brand__slug__startswith="scale-").count(),
        "caps": CorrectiveActionPlan.objects.exclude(brand__slug__startswith="scale-").count(),
        "events": CapEvent.objects.exclude(cap__brand__slug__startswith="scale-").count(),
    }


def test_reset_removes_generated_data_and_leaves_demo_data_alone(scale: Generated) -> None:
    core_demo.seed(io.StringIO())
    demo_cap = open_cap(member("admin@northwind.example"))
    before = other_rows()
    assert before["caps"] == 1

    scale_data_delete()  # what --reset does first

    assert other_rows() == before
    assert CorrectiveActionPlan.objects.get() == demo_cap
    assert Organization.objects.count() == before["organizations"]
    assert User.objects.count() == before["users"]
    connection.check_constraints()


def test_running_again_without_reset_refuses_and_changes_nothing(
    scale: Generated, tmp_path: Path
) -> None:
    before = snapshot()

    with pytest.raises(CommandError, match="--reset"):
        generate(tmp_path / "again.json")

    assert snapshot() == before
