"""The remediation services as stories: CAPs opened by finalizing an audit, worked on
by the supplier, verified by the brand; fixes that did not hold; who sees what."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from audits.models import AuditShare, Finding
from audits.services.audits import audit_finalize
from audits.services.sharing import audit_share_consent, audit_share_offer, audit_share_revoke
from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership, Notification, Organization
from remediation.models import (
    CapEvent,
    CapParticipant,
    Comment,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
)
from remediation.services.evidence_files import MAX_EVIDENCE_BYTES
from remediation.services.opening import caps_open_for_audit
from remediation.services.participants import participant_add, participant_remove
from remediation.services.transitions import (
    cap_cancel,
    cap_return,
    cap_start,
    cap_submit,
    cap_verify,
)
from remediation.services.work import (
    action_add,
    comment_add,
    evidence_add,
    extension_decide,
    extension_request,
    root_cause_add,
)
from tests.audits.helpers import (
    add_finding,
    also_sourced_by,
    draft_audit,
    facility_of,
    final_audit,
    supplier_admin_of,
)
from tests.factories import OrganizationFactory, member
from tests.remediation.helpers import open_cap, pdf, plan, submitted, verified

pytestmark = pytest.mark.django_db
Status = CorrectiveActionPlan.Status


@pytest.fixture
def owner() -> Membership:
    return member("brand", "csr")


@pytest.fixture
def cap(owner: Membership) -> CorrectiveActionPlan:
    return open_cap(owner)


@pytest.fixture
def supplier(cap: CorrectiveActionPlan) -> Membership:
    return supplier_admin_of(cap.facility)


def partner(kind: str) -> Membership:
    organization = cast(Organization, OrganizationFactory(kind="partner", partner_type=kind))
    return member("partner", "member", organization=organization)


# --- Opening ----------------------------------------------------------------------------


def test_finalizing_an_audit_opens_one_cap_per_non_conformity(
    owner: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    facility = facility_of(owner)
    audit = draft_audit(owner, facility, on=date(2025, 5, 1))
    wages = add_finding(owner, audit, category="WAGE", severity="major")
    fire = add_finding(owner, audit, category="OSH", severity="critical")
    records = add_finding(owner, audit, category="MGMT", severity="minor")
    add_finding(owner, audit, category="MGMT", severity="observation")

    with django_capture_on_commit_callbacks(execute=True):
        audit_finalize(audit=audit, by=owner)

    caps = {c.finding_id: c for c in CorrectiveActionPlan.objects.all()}
    assert set(caps) == {wages.pk, fire.pk, records.pk}
    method = {pk: cap.verification_method for pk, cap in caps.items()}
    assert method == {
        wages.pk: "follow_up_audit",  # wages and hours: on site, with new records
        fire.pk: "follow_up_audit",  # critical: on site
        records.pk: "desk_review",
    }
    assert caps[fire.pk].due_date == date(2025, 5, 31)
    assert all(cap.brand_id == owner.organization_id for cap in caps.values())
    assert CapEvent.objects.filter(action="opened").count() == 3

    assert caps_open_for_audit(audit_id=str(audit.pk)) == []  # a repeated signal: nothing
    assert CorrectiveActionPlan.objects.count() == 3


# --- The work and the transitions --------------------------------------------------------


def test_the_supplier_plans_submits_and_the_brand_verifies(
    cap: CorrectiveActionPlan, owner: Membership, supplier: Membership
) -> None:
    with pytest.raises(StateConflict) as missing:
        cap_submit(cap=cap_start(cap=cap, by=supplier), by=supplier)
    assert "root cause" in missing.value.message
    assert "preventive action" in missing.value.message

    plan(cap, supplier)
    evidence_add(
        cap=cap,
        by=supplier,
        file=pdf(),
        description="Fire licence",
        valid_from=date(2025, 4, 1),
        valid_until=date(2026, 3, 31),
    )
    cap_submit(cap=cap, by=supplier)
    done = cap_verify(cap=cap, by=owner, note="Exits unlocked on the unannounced visit photos.")

    assert done.status == Status.VERIFIED
    assert done.verified_by == owner.user
    assert Finding.objects.get(pk=cap.finding_id).status == Finding.Status.RESOLVED
    actions = list(CapEvent.objects.filter(cap=cap).values_list("action", flat=True))
    assert actions == [
        "opened",
        "start",
        "root_cause_added",
        "action_added",
        "evidence_added",
        "submit",
        "verify",
    ]


def test_the_first_piece_of_work_starts_an_open_or_returned_plan(
    cap: CorrectiveActionPlan, owner: Membership, supplier: Membership
) -> None:
    plan(cap, supplier)
    cap.refresh_from_db()
    assert cap.status == Status.IN_PROGRESS

    evidence_add(cap=cap, by=supplier, file=pdf())
    cap_submit(cap=cap, by=supplier)
    cap_return(cap=cap, by=owner, reason="The photo does not show the second-floor exit.")
    evidence_add(cap=cap, by=supplier, file=pdf("second-floor.pdf"))
    cap.refresh_from_db()
    assert cap.status == Status.IN_PROGRESS
    assert cap.return_reason.startswith("The photo")


def test_verification_needs_evidence_and_follow_up_audits_need_the_audit(
    owner: Membership,
) -> None:
    cap = open_cap(owner, category="HOURS")
    supplier = supplier_admin_of(cap.facility)
    plan(cap, supplier)
    cap_submit(cap=cap, by=supplier)
    with pytest.raises(StateConflict):
        cap_verify(cap=cap, by=owner)  # no evidence
    cap_return(cap=cap, by=owner, reason="Attach two months of time records.")

    evidence_add(cap=cap, by=supplier, file=pdf("time-records.pdf"))
    cap_submit(cap=cap, by=supplier)
    with pytest.raises(ValidationError):
        cap_verify(cap=cap, by=owner)  # follow-up audit method, none given
    earlier = final_audit(owner, cap.facility, on=date(2024, 1, 10), findings=0)
    with pytest.raises(ValidationError):
        cap_verify(cap=cap, by=owner, follow_up_audit=earlier)
    follow_up = final_audit(owner, cap.facility, on=date(2025, 6, 1), findings=0)

    done = cap_verify(cap=cap, by=owner, follow_up_audit=follow_up)
    assert done.follow_up_audit == follow_up


def test_returning_and_cancelling_need_a_reason_and_the_right_state(
    cap: CorrectiveActionPlan, owner: Membership, supplier: Membership
) -> None:
    with pytest.raises(StateConflict):
        cap_return(cap=cap, by=owner, reason="Nothing submitted yet")
    with pytest.raises(ValidationError):
        cap_cancel(cap=cap, by=owner, reason=" ")
    with pytest.raises(ActionForbidden):
        cap_cancel(cap=cap, by=supplier, reason="We would rather not")

    cap_cancel(cap=cap, by=owner, reason="Finding withdrawn after the audit firm's review.")
    with pytest.raises(StateConflict):
        plan(cap, supplier)


def test_root_causes_are_analyses_not_labels(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    with pytest.raises(ValidationError):  # five whys with one why
        root_cause_add(
            cap=cap,
            by=supplier,
            method="five_whys",
            category="capacity",
            cause="Too many orders",
            whys=[{"why": "Why overtime?", "because": "Too many orders"}],
        )
    with pytest.raises(ValidationError):  # purchasing practice without its code
        root_cause_add(
            cap=cap, by=supplier, method="fishbone", category="purchasing_practice", cause="x"
        )
    brand_side = root_cause_add(
        cap=cap,
        by=supplier,
        method="fishbone",
        category="purchasing_practice",
        purchasing_code="BP_LATE_CHANGE",
        cause="Colour changes two weeks before shipment",
    )
    assert brand_side.purchasing_code == "BP_LATE_CHANGE"


# --- Evidence files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "size"),
    [
        ("big.pdf", b"%PDF-1.4\n", MAX_EVIDENCE_BYTES + 1),
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00 an executable", None),
        ("photo.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>", None),
        ("list.csv", b"<html><body>not a spreadsheet</body></html>", None),
    ],
)
def test_files_are_refused_for_what_they_are_and_nothing_is_stored(
    cap: CorrectiveActionPlan,
    supplier: Membership,
    settings: Any,
    name: str,
    content: bytes,
    size: int | None,
) -> None:
    upload = ContentFile(content, name=name)
    if size is not None:
        upload.size = size  # the size the upload reports, without writing 20 MB
    with pytest.raises(ValidationError) as refused:
        evidence_add(cap=cap, by=supplier, file=upload)

    assert name in str(refused.value.message_dict["file"])
    assert not Evidence.objects.exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_a_csv_export_is_accepted(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    evidence = evidence_add(
        cap=cap,
        by=supplier,
        file=ContentFile(b"worker,hours\n1042,48\n1043,52\n", name="October hours.csv"),
    )
    assert evidence.content_type == "text/csv"
    assert evidence.file_name == "October hours.csv"
    assert not str(evidence.file.name).endswith("October hours.csv")  # stored under a random name


# --- Comments and who sees them ---------------------------------------------------------


def test_internal_comments_stay_with_the_brand(
    cap: CorrectiveActionPlan, owner: Membership, supplier: Membership
) -> None:
    consultant = partner("consultant")
    participant_add(cap=cap, by=owner, organization_slug=consultant.organization.slug)
    comment_add(cap=cap, by=owner, body="Second time this year; escalate if late.", internal=True)
    comment_add(cap=cap, by=supplier, body="Doors replaced; photos attached.")

    for outsider in (supplier, consultant):
        assert list(Comment.objects.visible_to(outsider).values_list("body", flat=True)) == [
            "Doors replaced; photos attached."
        ]
        assert not CapEvent.objects.visible_to(outsider).filter(action="internal_comment").exists()
    assert Comment.objects.visible_to(owner).count() == 2
    with pytest.raises(ValidationError):
        comment_add(cap=cap, by=supplier, body="Only for us", internal=True)
    viewer = member("brand", "viewer", organization=owner.organization)
    with pytest.raises(ActionForbidden):
        comment_add(cap=cap, by=viewer, body="Hello")


def test_partners_see_only_the_caps_they_are_on(
    cap: CorrectiveActionPlan, owner: Membership, supplier: Membership
) -> None:
    other_cap = open_cap(owner, facility=cap.facility, category="HOURS", on=date(2025, 4, 1))
    consultant, cso = partner("consultant"), partner("cso")
    added = participant_add(cap=cap, by=owner, organization_slug=consultant.organization.slug)
    participant_add(cap=cap, by=owner, organization_slug=cso.organization.slug)

    assert list(CorrectiveActionPlan.objects.visible_to(consultant)) == [cap]
    assert other_cap not in CorrectiveActionPlan.objects.visible_to(cso)
    action_add(
        cap=cap,
        by=consultant,
        kind="corrective",
        description="Train the fire wardens",
        owner="HR manager",
        due_date=date(2030, 1, 1),
    )
    with pytest.raises(ActionForbidden):  # a CSO follows and comments; it does not edit
        plan(cap, cso)

    participant_remove(participant=added, by=owner)
    assert not CorrectiveActionPlan.objects.visible_to(consultant).exists()


def test_a_collaborating_brand_joins_only_through_an_active_share(owner: Membership) -> None:
    facility = facility_of(owner)
    other = member("brand", "csr")
    also_sourced_by(other, facility)
    audit = final_audit(owner, facility)
    caps_open_for_audit(audit_id=str(audit.pk))
    cap = CorrectiveActionPlan.objects.get(finding__audit=audit)
    mine_only = open_cap(owner, facility=facility, on=date(2025, 6, 1))

    with pytest.raises(ValidationError):  # not shared yet
        participant_add(cap=cap, by=owner, organization_slug=other.organization.slug)
    share = audit_share_offer(audit=audit, by=owner, brand_slug=other.organization.slug)
    audit_share_consent(share=share, by=supplier_admin_of(facility))
    joined = participant_add(cap=cap, by=owner, organization_slug=other.organization.slug)
    assert joined.role == CapParticipant.Role.COLLABORATING_BRAND
    assert list(CorrectiveActionPlan.objects.visible_to(other)) == [cap]
    assert mine_only not in CorrectiveActionPlan.objects.visible_to(other)
    with pytest.raises(ActionForbidden):
        cap_cancel(cap=cap, by=other, reason="Not ours to cancel")

    share.refresh_from_db()
    audit_share_revoke(share=share, by=owner)  # the receiver runs after commit
    from remediation.services.participants import on_audit_share_revoked

    on_audit_share_revoked(None, audit_id=str(audit.pk), brand_id=str(other.organization_id))
    assert not CorrectiveActionPlan.objects.visible_to(other).exists()
    assert AuditShare.objects.get(pk=share.pk).status == AuditShare.Status.REVOKED


# --- Extensions -------------------------------------------------------------------------


def test_more_time_is_asked_with_a_reason_and_the_due_date_history_kept(
    cap: CorrectiveActionPlan, owner: Membership, supplier: Membership
) -> None:
    today = timezone.localdate()
    cap.due_date = today + timedelta(days=10)
    cap.save()
    with pytest.raises(ValidationError):
        extension_request(cap=cap, by=supplier, due_date=today + timedelta(days=40), reason="")
    asked = extension_request(
        cap=cap,
        by=supplier,
        due_date=today + timedelta(days=40),
        reason="The fire-door supplier delivers in five weeks.",
    )
    with pytest.raises(StateConflict):
        extension_request(cap=cap, by=supplier, due_date=today + timedelta(days=50), reason="x")

    extension_decide(extension=asked, by=owner, approve=True, note="Keep the doors chained open.")

    cap.refresh_from_db()
    assert cap.due_date == today + timedelta(days=40)
    approved = CapEvent.objects.get(action="extension_approved")
    assert approved.from_status == str(today + timedelta(days=10))
    assert approved.to_status == str(today + timedelta(days=40))
    assert ExtensionRequest.objects.get().previous_due_date == today + timedelta(days=10)
    with pytest.raises(StateConflict):
        extension_decide(extension=asked, by=owner, approve=False, note="changed my mind")


# --- Recurrence -------------------------------------------------------------------------


def test_a_repeat_marks_the_verified_cap_not_sustained(
    owner: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    cap = open_cap(owner, category="OSH", on=date(2024, 3, 1))
    verified(cap, supplier_admin_of(cap.facility), owner)

    with django_capture_on_commit_callbacks(execute=True):
        later = final_audit(owner, cap.facility, on=date(2025, 3, 1), category="OSH")

    cap.refresh_from_db()
    assert cap.not_sustained_at is not None
    assert CapEvent.objects.filter(cap=cap, action="not_sustained").count() == 1
    assert CorrectiveActionPlan.objects.filter(finding__audit=later).exists()


# --- Two people at once (PostgreSQL row locks) -------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_one_wins_the_other_gets_409() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL feature; SQLite serializes writes")
    owner = member("brand", "csr")
    cap = open_cap(owner)
    supplier = supplier_admin_of(cap.facility)
    colleague = member("supplier", "member", organization=supplier.organization)
    plan(cap, supplier)
    evidence_add(cap=cap, by=supplier, file=pdf())
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(by: Membership) -> None:
        try:
            barrier.wait()
            cap_submit(cap=cap, by=by)
            outcomes.append("submitted")
        except StateConflict:
            outcomes.append("409")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(m,)) for m in (supplier, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["409", "submitted"]
    assert CapEvent.objects.filter(cap=cap, action="submit").count() == 1
    cap.refresh_from_db()
    assert cap.status == Status.SUBMITTED


# --- Telling the other side -------------------------------------------------------------


def test_each_side_is_told_when_it_is_their_move(
    cap: CorrectiveActionPlan, owner: Membership, supplier: Membership
) -> None:
    viewer = member("brand", "viewer", organization=owner.organization)
    colleague = member("supplier", "member", organization=supplier.organization)
    consultant = partner("consultant")
    participant_add(cap=cap, by=owner, organization_slug=consultant.organization.slug)

    def told(membership: Membership) -> list[str]:
        return list(
            Notification.objects.filter(membership=membership, kind="cap_update")
            .order_by("created_at")
            .values_list("title", flat=True)
        )

    assert told(consultant) == [
        f"{owner.organization.name} invited you onto a CAP: F-1 · {cap.facility.name}"
    ]
    submitted(cap, supplier)
    assert told(owner)[-1].startswith("Submitted for verification: F-1")
    assert told(viewer) == []
    cap_return(cap=cap, by=owner, reason="The photo is of the wrong floor.")
    for worker in (supplier, colleague, consultant):
        assert told(worker)[-1].startswith("Returned to you: F-1")
    assert Notification.objects.filter(
        membership=supplier, body="The photo is of the wrong floor."
    ).exists()
