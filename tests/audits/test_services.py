"""The audits services as stories: recording, finalizing with the severity policy,
recurrence of fixes that did not hold, law changes, law-check suggestions, sharing and
zero-tolerance alerts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from audits.models import Audit, AuditShare, Finding, Observation
from audits.services.audits import (
    audit_amend,
    audit_attach_report,
    audit_finalize,
    audit_update,
)
from audits.services.findings import finding_amend, finding_law_reviewed, finding_update
from audits.services.observations import (
    observation_accept,
    observation_dismiss,
    observation_record,
)
from audits.services.policy import severity_policy_for, severity_policy_update
from audits.services.sharing import (
    audit_share_consent,
    audit_share_decline,
    audit_share_offer,
    audit_share_revoke,
)
from audits.signals import audit_finalized
from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership, Notification
from laws.services import requirement_revise
from tests.audits.helpers import (
    add_finding,
    also_sourced_by,
    bd_overtime_rule,
    draft_audit,
    facility_of,
    final_audit,
    resolve_all,
    supplier_admin_of,
)
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner() -> Membership:
    return member("brand", "admin")


# --- Recording and finalizing -----------------------------------------------------------


def test_finalize_sets_due_dates_from_the_default_ladder_counted_from_the_last_day(
    owner: Membership,
) -> None:
    facility = facility_of(owner)
    audit = draft_audit(owner, facility, on=date(2025, 3, 10), end_date=date(2025, 3, 12))
    for severity in ("zero_tolerance", "critical", "major", "minor", "observation"):
        add_finding(owner, audit, severity=severity)

    audit_finalize(audit=audit, by=owner)

    due = dict(audit.findings.values_list("severity", "due_date"))
    assert due == {
        "zero_tolerance": date(2025, 3, 19),
        "critical": date(2025, 4, 11),
        "major": date(2025, 6, 10),
        "minor": date(2025, 9, 8),
        "observation": None,
    }
    audit.refresh_from_db()
    assert audit.status == Audit.Status.FINAL
    assert audit.finalized_at is not None


def test_a_brand_policy_changes_the_due_dates(owner: Membership) -> None:
    severity_policy_update(by=owner, major_days=45, minor_days=120)
    audit = final_audit(owner, facility_of(owner), on=date(2025, 1, 1), severity="major")

    assert audit.findings.get().due_date == date(2025, 2, 15)


def test_the_policy_refuses_a_shrinking_ladder_and_other_roles(owner: Membership) -> None:
    with pytest.raises(ValidationError):
        severity_policy_update(by=owner, critical_days=200)  # longer than major (90)
    with pytest.raises(ValidationError):
        severity_policy_update(by=owner, minor_days=0)
    csr = member("brand", "csr", organization=owner.organization)
    with pytest.raises(ActionForbidden):
        severity_policy_update(by=csr, major_days=60)
    assert severity_policy_for(owner.organization_id).major_days == 90


def test_finalize_announces_audit_finalized_after_commit(
    owner: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    received: list[str] = []

    def listener(sender: Any, *, audit_id: str, **kwargs: Any) -> None:
        received.append(audit_id)

    audit_finalized.connect(listener)
    try:
        audit = draft_audit(owner, facility_of(owner))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            audit_finalize(audit=audit, by=owner)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        audit_finalized.disconnect(listener)
    assert received == [str(audit.pk)]


def test_a_final_audit_is_read_only_except_by_a_recorded_amendment(owner: Membership) -> None:
    audit = final_audit(owner, facility_of(owner))
    finding = audit.findings.get()

    with pytest.raises(StateConflict):
        audit_update(audit=audit, by=owner, audit_firm="Other firm")
    with pytest.raises(StateConflict):
        finding_update(finding=finding, by=owner, description="changed")
    with pytest.raises(StateConflict):
        audit_finalize(audit=audit, by=owner)
    with pytest.raises(ValidationError):
        audit_amend(audit=audit, by=owner, reason=" ", audit_firm="Other firm")
    with pytest.raises(ValidationError):
        audit_amend(audit=audit, by=owner, reason="typo", start_date=date(2025, 1, 1))

    amendment = audit_amend(
        audit=audit, by=owner, reason="Firm name typo", audit_firm="Fair Audit Ltd"
    )
    assert amendment.changes == {"audit_firm": {"from": "Fair Audits Ltd", "to": "Fair Audit Ltd"}}

    amended = finding_amend(
        finding=finding, by=owner, reason="Downgraded after review", severity="minor"
    )
    finding.refresh_from_db()
    assert amended.finding == finding
    assert finding.severity == "minor"
    assert finding.due_date == audit.end_date + timedelta(days=180)


def test_only_the_commissioning_brand_s_recorders_write(owner: Membership) -> None:
    audit = draft_audit(owner, facility_of(owner))
    viewer = member("brand", "viewer", organization=owner.organization)
    stranger = member("brand", "admin")

    for by in (viewer, stranger):
        with pytest.raises(ActionForbidden):
            add_finding(by, audit)
        with pytest.raises(ActionForbidden):
            audit_finalize(audit=audit, by=by)


def test_an_audit_in_the_future_or_with_dates_reversed_is_refused(owner: Membership) -> None:
    facility = facility_of(owner)
    with pytest.raises(ValidationError):
        draft_audit(owner, facility, on=date.today() + timedelta(days=3))
    with pytest.raises(ValidationError):
        draft_audit(owner, facility, on=date(2025, 3, 10), end_date=date(2025, 3, 9))
    assert not Audit.objects.exists()


def test_the_report_file_is_checked_by_content(owner: Membership) -> None:
    audit = draft_audit(owner, facility_of(owner))
    with pytest.raises(ValidationError):
        audit_attach_report(
            audit=audit, by=owner, upload=ContentFile(b"MZ\x90\x00 not a pdf", name="report.pdf")
        )
    audit.refresh_from_db()
    assert not audit.report_file

    audit_attach_report(
        audit=audit, by=owner, upload=ContentFile(b"%PDF-1.4\n%%EOF\n", name="smeta-report.pdf")
    )
    audit.refresh_from_db()
    assert audit.report_file_name == "smeta-report.pdf"


# --- The law version in force on the audit date -----------------------------------------


def test_a_finding_keeps_the_law_version_in_force_on_the_audit_date(owner: Membership) -> None:
    old = bd_overtime_rule(limit=60)
    new = requirement_revise(
        requirement=old,
        changes={"parameters": {"max_total_hours_per_week": 56}, "summary": "At most 56 h."},
        by=None,
        effective_from=date(2025, 1, 1),
    )
    facility = facility_of(owner)

    before = add_finding(owner, draft_audit(owner, facility, on=date(2024, 6, 1)), requirement=new)
    after = add_finding(owner, draft_audit(owner, facility, on=date(2025, 6, 1)), requirement=old)

    assert before.requirement == old
    assert after.requirement == new


def test_a_requirement_from_another_country_or_not_yet_in_force_is_refused(
    owner: Membership,
) -> None:
    rule = bd_overtime_rule(effective_from=date(2024, 1, 1))
    vietnam = draft_audit(owner, facility_of(owner, name="Saigon Sew", country="VN"))
    with pytest.raises(ValidationError):
        add_finding(owner, vietnam, requirement=rule)
    too_early = draft_audit(owner, facility_of(owner), on=date(2023, 5, 1))
    with pytest.raises(ValidationError):
        add_finding(owner, too_early, requirement=rule)


def test_moving_a_draft_audit_date_moves_the_versions_its_findings_cite(owner: Membership) -> None:
    old = bd_overtime_rule(limit=60)
    new = requirement_revise(
        requirement=old,
        changes={"parameters": {"max_total_hours_per_week": 56}},
        by=None,
        effective_from=date(2025, 1, 1),
    )
    audit = draft_audit(owner, facility_of(owner), on=date(2024, 6, 1))
    finding = add_finding(owner, audit, requirement=old)

    audit_update(audit=audit, by=owner, start_date=date(2025, 2, 1), end_date=date(2025, 2, 2))

    finding.refresh_from_db()
    assert finding.requirement == new


# --- Recurrence -------------------------------------------------------------------------


def test_a_problem_found_again_after_its_fix_was_verified_is_a_repeat(owner: Membership) -> None:
    facility = facility_of(owner)
    first = final_audit(owner, facility, on=date(2024, 3, 1), category="HOURS")
    resolve_all(first)

    second = final_audit(owner, facility, on=date(2025, 3, 1), category="HOURS")

    earlier = first.findings.get()
    repeat = second.findings.get()
    assert repeat.repeat_of == earlier
    earlier.refresh_from_db()
    assert earlier.not_sustained_at is not None


def test_a_problem_whose_fix_was_never_verified_is_not_a_repeat(owner: Membership) -> None:
    facility = facility_of(owner)
    final_audit(owner, facility, on=date(2024, 3, 1), category="HOURS")  # CAP never verified

    second = final_audit(owner, facility, on=date(2025, 3, 1), category="HOURS")

    assert second.findings.get().repeat_of is None
    assert not Finding.objects.filter(not_sustained_at__isnull=False).exists()


def test_same_category_but_a_different_rule_is_not_a_repeat(owner: Membership) -> None:
    hours = bd_overtime_rule()
    from laws.models import Requirement

    rest = Requirement.objects.create(
        country="BD",
        topic="weekly_rest",
        instrument=hours.instrument,
        citation="s.103",
        summary="One day off a week.",
        parameters={"rest_days_per_week": 1},
        effective_from=date(2006, 10, 11),
    )
    facility = facility_of(owner)
    first = final_audit(owner, facility, on=date(2024, 3, 1), category="HOURS", requirement=hours)
    resolve_all(first)

    second = final_audit(owner, facility, on=date(2025, 3, 1), category="HOURS", requirement=rest)

    assert second.findings.get().repeat_of is None


def test_the_same_rule_after_a_law_change_is_still_a_repeat(owner: Membership) -> None:
    old = bd_overtime_rule(limit=60)
    new = requirement_revise(
        requirement=old,
        changes={"parameters": {"max_total_hours_per_week": 56}},
        by=None,
        effective_from=date(2025, 1, 1),
    )
    facility = facility_of(owner)
    first = final_audit(owner, facility, on=date(2024, 3, 1), category="HOURS", requirement=old)
    resolve_all(first)

    second = final_audit(owner, facility, on=date(2025, 3, 1), category="HOURS", requirement=new)

    repeat = second.findings.get()
    assert repeat.requirement == new
    assert first.findings.get().requirement == old
    assert repeat.repeat_of == first.findings.get()


def test_other_facilities_other_categories_and_observations_are_not_repeats(
    owner: Membership,
) -> None:
    facility = facility_of(owner)
    elsewhere = facility_of(owner, name="Chittagong Denim")
    first = final_audit(owner, facility, on=date(2024, 3, 1), category="HOURS")
    resolve_all(first)

    other_site = final_audit(owner, elsewhere, on=date(2025, 3, 1), category="HOURS")
    other_category = final_audit(owner, facility, on=date(2025, 3, 1), category="OSH")
    observation = final_audit(
        owner, facility, on=date(2025, 4, 1), category="HOURS", severity="observation"
    )

    for audit in (other_site, other_category, observation):
        assert audit.findings.get().repeat_of is None


def test_another_brand_s_fixes_stay_out_of_a_brand_s_recurrence(owner: Membership) -> None:
    facility = facility_of(owner)
    other = member("brand", "admin")
    also_sourced_by(other, facility)
    theirs = final_audit(other, facility, on=date(2024, 3, 1), category="HOURS")
    resolve_all(theirs)

    mine = final_audit(owner, facility, on=date(2025, 3, 1), category="HOURS")

    assert mine.findings.get().repeat_of is None


# --- Law changes ------------------------------------------------------------------------


def test_a_new_version_of_the_law_flags_open_findings_citing_the_old_one(
    owner: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    old = bd_overtime_rule(limit=60)
    facility = facility_of(owner)
    open_finding = add_finding(
        owner, draft_audit(owner, facility, on=date(2024, 6, 1)), requirement=old
    )
    fixed = final_audit(owner, facility, on=date(2024, 7, 1), requirement=old)
    resolve_all(fixed)
    untouched = add_finding(owner, draft_audit(owner, facility, on=date(2024, 8, 1)))

    with django_capture_on_commit_callbacks(execute=True):
        requirement_revise(
            requirement=old,
            changes={"parameters": {"max_total_hours_per_week": 56}},
            by=None,
            effective_from=date(2025, 1, 1),
        )

    open_finding.refresh_from_db()
    assert open_finding.law_review_needed
    assert "2025-01-01" in open_finding.law_review_note
    assert open_finding.requirement == old  # it keeps the version of its audit date
    assert not fixed.findings.get().law_review_needed
    untouched.refresh_from_db()
    assert not untouched.law_review_needed
    assert Notification.objects.filter(membership=owner, kind=Notification.Kind.LAW_CHANGE).exists()

    finding_law_reviewed(finding=open_finding, by=owner, note="Target wage raised in the CAP.")
    open_finding.refresh_from_db()
    assert not open_finding.law_review_needed
    with pytest.raises(StateConflict):
        finding_law_reviewed(finding=open_finding, by=owner)


def test_a_corrected_fact_also_flags_the_findings_citing_it(
    owner: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    old = bd_overtime_rule(limit=60)
    finding = add_finding(owner, draft_audit(owner, facility_of(owner)), requirement=old)

    with django_capture_on_commit_callbacks(execute=True):
        requirement_revise(requirement=old, changes={"citation": "s.102(1)"}, by=None)

    finding.refresh_from_db()
    assert finding.law_review_needed


# --- Observations and the law check -----------------------------------------------------


def test_a_measured_breach_is_suggested_and_accepted_as_a_finding(owner: Membership) -> None:
    rule = bd_overtime_rule(limit=60)
    audit = draft_audit(owner, facility_of(owner))

    observation = observation_record(audit=audit, by=owner, metric="weekly_hours_total", value="72")

    assert observation.suggestion == Observation.Suggestion.PENDING
    assert observation.requirement == rule
    assert "72 h" in observation.explanation
    assert "60" in observation.explanation
    finding = observation_accept(observation=observation, by=owner, workers_affected=120)
    assert (finding.category, finding.severity, finding.requirement) == ("HOURS", "major", rule)
    assert finding.source == Finding.Source.LAW_CHECK
    assert finding.workers_affected == 120
    with pytest.raises(StateConflict):
        observation_accept(observation=observation, by=owner)


def test_values_within_the_law_or_without_a_limit_suggest_nothing(owner: Membership) -> None:
    bd_overtime_rule(limit=60)
    audit = draft_audit(owner, facility_of(owner))

    within = observation_record(audit=audit, by=owner, metric="weekly_hours_total", value=58)
    unknown = observation_record(audit=audit, by=owner, metric="youngest_worker_age", value=15)

    assert within.suggestion == Observation.Suggestion.NONE
    assert unknown.suggestion == Observation.Suggestion.NOT_CHECKED
    with pytest.raises(ValidationError):
        observation_record(audit=audit, by=owner, metric="weekly_hours_total", value="lots")
    with pytest.raises(ValidationError):
        observation_record(audit=audit, by=owner, metric="shoe_size", value=42)


def test_a_dismissal_needs_a_reason_and_is_kept(owner: Membership) -> None:
    bd_overtime_rule(limit=60)
    audit = draft_audit(owner, facility_of(owner))
    observation = observation_record(audit=audit, by=owner, metric="weekly_hours_total", value=64)

    with pytest.raises(ValidationError):
        observation_dismiss(observation=observation, by=owner, reason="")
    dismissed = observation_dismiss(
        observation=observation, by=owner, reason="Peak week approved by the workers' committee"
    )
    assert dismissed.suggestion == Observation.Suggestion.DISMISSED
    assert "workers' committee" in dismissed.note
    assert not audit.findings.exists()


# --- Zero tolerance ---------------------------------------------------------------------


def test_a_zero_tolerance_finding_alerts_the_brand_s_csr_staff_at_once(
    owner: Membership, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    csr = member("brand", "csr", organization=owner.organization)
    sourcing = member("brand", "sourcing", organization=owner.organization)
    audit = draft_audit(owner, facility_of(owner))

    with django_capture_on_commit_callbacks(execute=True):
        add_finding(
            owner,
            audit,
            category="CHILD",
            severity="zero_tolerance",
            description="A 13-year-old at the sewing line",
        )

    alerted = set(
        Notification.objects.filter(kind=Notification.Kind.ZERO_TOLERANCE).values_list(
            "membership", flat=True
        )
    )
    assert alerted == {owner.pk, csr.pk}
    assert sourcing.pk not in alerted
    assert sorted(m.to[0] for m in mailoutbox) == sorted([owner.user.email, csr.user.email])
    assert "Zero-tolerance finding" in mailoutbox[0].subject


def test_no_alert_for_other_severities(owner: Membership) -> None:
    add_finding(owner, draft_audit(owner, facility_of(owner)), severity="critical")
    assert not Notification.objects.exists()


# --- Sharing ----------------------------------------------------------------------------


@pytest.fixture
def shared_setup(owner: Membership) -> dict[str, Any]:
    facility = facility_of(owner)
    other = member("brand", "csr")
    also_sourced_by(other, facility)
    audit = final_audit(owner, facility)
    return {"audit": audit, "other": other, "supplier": supplier_admin_of(facility)}


def _sees(membership: Membership, audit: Audit) -> tuple[bool, bool]:
    return (
        Audit.objects.visible_to(membership).filter(pk=audit.pk).exists(),
        Finding.objects.visible_to(membership).filter(audit=audit).exists(),
    )


def test_every_state_of_a_share_and_what_the_other_brand_sees(
    owner: Membership, shared_setup: dict[str, Any]
) -> None:
    audit, other, supplier = shared_setup["audit"], shared_setup["other"], shared_setup["supplier"]

    share = audit_share_offer(audit=audit, by=owner, brand_slug=other.organization.slug)
    assert share.status == AuditShare.Status.PENDING
    assert _sees(other, audit) == (False, False)
    assert not AuditShare.objects.visible_to(other).exists()
    assert AuditShare.objects.visible_to(supplier).get() == share

    audit_share_consent(share=share, by=supplier)
    assert _sees(other, audit) == (True, True)
    with pytest.raises(ActionForbidden):
        audit_amend(audit=audit, by=other, reason="mine now", audit_firm="X")

    audit_share_revoke(share=share, by=supplier, reason="Contract ended")
    assert _sees(other, audit) == (False, False)

    again = audit_share_offer(audit=audit, by=owner, brand_slug=other.organization.slug)
    audit_share_decline(share=again, by=supplier, reason="Not this one")
    assert _sees(other, audit) == (False, False)


def test_sharing_refuses_drafts_strangers_and_duplicates(
    owner: Membership, shared_setup: dict[str, Any]
) -> None:
    audit, other = shared_setup["audit"], shared_setup["other"]
    draft = draft_audit(owner, audit.facility)
    with pytest.raises(StateConflict):
        audit_share_offer(audit=draft, by=owner, brand_slug=other.organization.slug)

    not_sourcing = member("brand", "admin")
    errors = []
    for slug in (not_sourcing.organization.slug, "no-such-brand", owner.organization.slug):
        with pytest.raises(ValidationError) as refused:
            audit_share_offer(audit=audit, by=owner, brand_slug=slug)
        errors.append(refused.value.message_dict)
    assert errors[0] == errors[1] == errors[2]  # one answer: nothing learnt about others

    audit_share_offer(audit=audit, by=owner, brand_slug=other.organization.slug)
    with pytest.raises(StateConflict):
        audit_share_offer(audit=audit, by=owner, brand_slug=other.organization.slug)
    with pytest.raises(ActionForbidden):
        audit_share_offer(audit=audit, by=other, brand_slug=owner.organization.slug)


def test_only_the_supplier_admin_consents(owner: Membership, shared_setup: dict[str, Any]) -> None:
    audit, other, supplier = shared_setup["audit"], shared_setup["other"], shared_setup["supplier"]
    share = audit_share_offer(audit=audit, by=owner, brand_slug=other.organization.slug)
    supplier_member = member("supplier", "member", organization=supplier.organization)

    for by in (supplier_member, other, owner):
        with pytest.raises(ActionForbidden):
            audit_share_consent(share=share, by=by)
    share.refresh_from_db()
    assert share.status == AuditShare.Status.PENDING


def test_suppliers_see_final_audits_on_their_facilities_only(owner: Membership) -> None:
    facility = facility_of(owner)
    supplier = supplier_admin_of(facility)
    draft = draft_audit(owner, facility)
    final = final_audit(owner, facility)
    partner = member("partner", "member")

    assert list(Audit.objects.visible_to(supplier)) == [final]
    assert draft not in Audit.objects.visible_to(supplier)
    assert not Audit.objects.visible_to(partner).exists()
    assert not Finding.objects.visible_to(partner).exists()
