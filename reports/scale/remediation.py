"""Corrective action plans, lived through: each CAP follows the product's state machine
(open → in progress → submitted → verified, with returns, cancellations and requests
for more time) along a simulated calendar, and stops wherever today falls.

A plan is opened when its audit is finalized, due when the brand's severity policy
says (``audit_finalize`` and ``caps_open_for_audit``), verified by desk review or by
the next final audit of the facility (``verification_method_for``), and only
submitted with a root cause and a preventive action and only verified with evidence
(``cap_submit``, ``cap_verify``). Every step leaves the timeline event the service
would have written, with the same action names and notes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from laws.taxonomy import Severity
from remediation.models import (
    CapAction,
    CapEvent,
    CapParticipant,
    Comment,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    RootCause,
)
from remediation.root_causes import PURCHASING_PRACTICE
from remediation.services.opening import FOLLOW_UP_CATEGORIES, FOLLOW_UP_SEVERITIES
from reports.scale import vocabulary as words
from reports.scale.context import Key, Person, Run, Weighted

if TYPE_CHECKING:
    from reports.scale.auditing import AuditRecord, FindingRecord
    from reports.scale.sourcing import Link

Status = CorrectiveActionPlan.Status
Verification = CorrectiveActionPlan.Verification

# Tiny but valid files every generated evidence row points at, so a download works.
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SAMPLE_CSV = b"date,worker,hours\n2025-03-03,W-0041,48\n2025-03-03,W-0042,48\n"
EVIDENCE_FOLDER = "cap-evidence/scale"


def sample_files() -> dict[str, bytes]:
    """The stored files by name (under ``EVIDENCE_FOLDER``)."""
    return {
        name: SAMPLE_CSV if name.endswith(".csv") else SAMPLE_PDF
        for name, _description in words.EVIDENCE_FILES
    }


CAUSES = {category: Weighted(weights) for category, weights in words.CAUSE_WEIGHTS.items()}
DEFAULT_CAUSES = Weighted(words.DEFAULT_CAUSE_WEIGHTS)


@dataclass(slots=True, eq=False)
class CapRecord:
    """A CAP while its history is generated; written once the facility's history is
    complete (a later audit can still mark its fix as not sustained)."""

    id: Key
    status: str
    due_date: date | None
    verification_method: str
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    verified_at: datetime | None = None
    verified_by: Key | None = None
    verification_note: str = ""
    return_reason: str = ""
    cancel_reason: str = ""
    follow_up_audit: Key | None = None
    not_sustained_at: datetime | None = None
    events: int = 0
    actions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in CorrectiveActionPlan.OPEN_STATES


class Plan:
    """Writes one CAP's children and timeline while the simulation walks its calendar."""

    def __init__(self, run: Run, link: Link, cap: CapRecord) -> None:
        self.run = run
        self.link = link
        self.cap = cap
        self.supplier = link.site.admin
        self.csr = link.csr
        self.timeline = run.tables[CapEvent]

    def event(
        self,
        at: datetime,
        action: str,
        by: Person,
        *,
        frm: str = "",
        to: str = "",
        note: str = "",
        only_for: Key | None = None,
    ) -> None:
        self.timeline.add(
            id=self.run.key(),
            cap_id=self.cap.id,
            action=action,
            from_status=frm,
            to_status=to,
            note=note,
            actor_id=by.user_id,
            actor_organization_id=by.organization_id,
            only_for_id=only_for,
            created_at=at,
        )
        self.cap.events += 1
        self.cap.updated_at = max(self.cap.updated_at, at)

    def move(self, at: datetime, action: str, to: str, by: Person, note: str = "") -> None:
        self.event(at, action, by, frm=self.cap.status, to=to, note=note)
        self.cap.status = to

    def root_causes(self, finding: FindingRecord, at: datetime) -> None:
        rng = self.run.rng
        causes = CAUSES.get(finding.category, DEFAULT_CAUSES)
        for offset in range(1 if rng.random() < 0.8 else 2):
            category = causes.pick(rng)
            five_whys = rng.random() < 0.6
            cause = words.CAUSE_TEXTS[category]
            when = at + timedelta(minutes=5 * offset)
            self.run.tables[RootCause].add(
                id=self.run.key(),
                cap_id=self.cap.id,
                method=RootCause.Method.FIVE_WHYS if five_whys else RootCause.Method.FISHBONE,
                category=category,
                purchasing_code=(
                    rng.choice(words.PURCHASING_CODES) if category == PURCHASING_PRACTICE else ""
                ),
                whys=(
                    [{"why": w, "because": b} for w, b in words.WHYS[: rng.randint(2, 4)]]
                    if five_whys
                    else []
                ),
                cause=cause,
                created_by_id=self.supplier.user_id,
                created_at=when,
            )
            self.event(when, "root_cause_added", self.supplier, note=cause[:300])

    def actions(self, finding: FindingRecord, at: datetime) -> None:
        rng = self.run.rng
        corrective = words.CORRECTIVE_ACTIONS.get(finding.category, words.DEFAULT_CORRECTIVE)
        due = self.cap.due_date or (at.date() + timedelta(days=60))
        planned = [
            (CapAction.Kind.CORRECTIVE, description, due)
            for description in rng.sample(corrective, 1 if rng.random() < 0.7 else len(corrective))
        ]
        planned.append(
            (
                CapAction.Kind.PREVENTIVE,
                rng.choice(words.PREVENTIVE_ACTIONS),
                due + timedelta(days=30),
            )
        )
        for offset, (kind, description, action_due) in enumerate(planned, start=1):
            when = at + timedelta(minutes=10 + 5 * offset)
            action_id = self.run.key()
            self.cap.actions.append(
                {
                    "id": action_id,
                    "kind": kind,
                    "description": description,
                    "owner": rng.choice(words.ACTION_OWNERS),
                    "due_date": action_due,
                    "created_at": when,
                }
            )
            label = self.run.phrases.action_kinds[kind]
            self.event(when, "action_added", self.supplier, note=f"{label}: {description[:250]}")

    def finish_actions(self, done_before: datetime | None) -> None:
        """Every action is done before a submission; while the work goes on, some are."""
        run, rng = self.run, self.run.rng
        for values in self.cap.actions:
            created = values["created_at"]
            status = CapAction.Status.PLANNED
            completed: date | None = None
            if done_before is not None:
                status = CapAction.Status.DONE
                when = created + (done_before - created) * rng.uniform(0.3, 0.95)
            else:
                roll = rng.random()
                when = run.later(created, 1, 60)
                if roll < 0.3 and when < run.cutoff:
                    status = CapAction.Status.DONE
                elif roll < 0.7 and when < run.cutoff:
                    status = CapAction.Status.IN_PROGRESS
            if status == CapAction.Status.DONE:
                completed = when.date()
            if status != CapAction.Status.PLANNED:
                self.event(
                    when,
                    "action_status",
                    self.supplier,
                    frm=CapAction.Status.PLANNED,
                    to=status,
                    note=values["description"][:300],
                )
            run.tables[CapAction].add(
                cap_id=self.cap.id,
                status=status,
                completed_on=completed,
                created_by_id=self.supplier.user_id,
                **values,
            )

    def evidence(self, at: datetime) -> None:
        run = self.run
        name, description = run.rng.choice(words.EVIDENCE_FILES)
        corrective = [a for a in self.cap.actions if a["kind"] == CapAction.Kind.CORRECTIVE]
        run.tables[Evidence].add(
            id=run.key(),
            cap_id=self.cap.id,
            action_id=corrective[0]["id"] if corrective and run.rng.random() < 0.5 else None,
            file=f"{EVIDENCE_FOLDER}/{name}",
            file_name=name,
            content_type="text/csv" if name.endswith(".csv") else "application/pdf",
            size=len(SAMPLE_CSV if name.endswith(".csv") else SAMPLE_PDF),
            description=description,
            uploaded_by_id=self.supplier.user_id,
            uploaded_at=at,
        )
        self.event(at, "evidence_added", self.supplier, note=name)

    def comment(self, at: datetime, by: Person, body: str, *, internal: bool = False) -> None:
        run = self.run
        run.tables[Comment].add(
            id=run.key(),
            cap_id=self.cap.id,
            organization_id=by.organization_id,
            author_id=by.user_id,
            body=body,
            internal=internal,
            created_at=at,
        )
        self.event(
            at,
            "internal_comment" if internal else "comment",
            by,
            note=body[:300],
            only_for=by.organization_id if internal else None,
        )

    def consultant(self, at: datetime) -> None:
        run = self.run
        country = self.link.site.country
        fitting = [p for p in run.partners if country in p[2]] or run.partners
        partner_id, name, _countries, member = run.rng.choice(fitting)
        run.tables[CapParticipant].add(
            id=run.key(),
            cap_id=self.cap.id,
            organization_id=partner_id,
            role=CapParticipant.Role.CONSULTANT,
            note="Supports the root-cause analysis and the supervisors' training.",
            added_by_id=self.csr.user_id,
            added_at=at,
        )
        self.event(at, "participant_added", self.csr, note=f"{name} ({run.phrases.consultant})")
        later = run.later(at, 2, 30)
        if run.rng.random() < 0.5 and later < run.cutoff:
            self.comment(later, member, "Training for supervisors is planned; agenda attached.")

    def extension(self, asked: datetime, deadline: datetime) -> None:
        """The supplier asks for more time before ``deadline`` (the submission)."""
        run, rng = self.run, self.run.rng
        before = self.cap.due_date
        if before is None:
            return
        wanted = before + timedelta(days=rng.randint(30, 60))
        decided = min(run.later(asked, 1, 7), deadline - timedelta(minutes=30))
        outcome = ExtensionRequest.Status.PENDING
        if decided < run.cutoff and decided > asked:
            outcome = ExtensionRequest.Status.APPROVED
            if rng.random() < 0.3:
                outcome = ExtensionRequest.Status.DECLINED
        elif deadline < run.cutoff:
            return  # asked and answered too close to the submission to be worth keeping
        run.tables[ExtensionRequest].add(
            id=run.key(),
            cap_id=self.cap.id,
            requested_due_date=wanted,
            previous_due_date=before,
            reason=rng.choice(words.EXTENSION_REASONS),
            status=outcome,
            requested_by_id=self.supplier.user_id,
            requested_at=asked,
            decided_by_id=None if outcome == ExtensionRequest.Status.PENDING else self.csr.user_id,
            decided_at=None if outcome == ExtensionRequest.Status.PENDING else decided,
            decision_note="" if outcome == ExtensionRequest.Status.PENDING else "Agreed once.",
        )
        self.event(asked, "extension_requested", self.supplier, frm=str(before), to=str(wanted))
        if outcome == ExtensionRequest.Status.PENDING:
            return
        if outcome == ExtensionRequest.Status.APPROVED:
            self.cap.due_date = wanted
        self.event(
            decided,
            "extension_approved"
            if outcome == ExtensionRequest.Status.APPROVED
            else "extension_declined",
            self.csr,
            frm=str(before),
            to=str(self.cap.due_date),
        )


def verification_method(finding: FindingRecord) -> str:
    """As ``remediation.services.opening.verification_method_for``."""
    if finding.category in FOLLOW_UP_CATEGORIES or finding.severity in FOLLOW_UP_SEVERITIES:
        return Verification.FOLLOW_UP_AUDIT
    return Verification.DESK_REVIEW


def open_cap(
    run: Run,
    link: Link,
    audit: AuditRecord,
    finding: FindingRecord,
    next_final: AuditRecord | None,
) -> CapRecord:
    """The CAP of one finding of a final audit, lived until today. ``next_final`` is
    the facility's next final audit by the same brand: the one that can verify a plan
    whose method is a follow-up audit."""
    opened = audit.finalized_at
    assert opened is not None
    cap = CapRecord(
        id=run.key(),
        status=Status.OPEN,
        due_date=finding.due_date,
        verification_method=verification_method(finding),
        created_at=opened,
        updated_at=opened,
    )
    plan = Plan(run, link, cap)
    plan.event(
        opened,
        "opened",
        link.csr,
        to=Status.OPEN,
        note=run.phrases.cap_opened,
    )
    _live(run, plan, finding, opened, next_final)
    if link.brand.number == 1:
        _remember(run, link, cap)
    finding.cap = cap
    if cap.status == Status.VERIFIED:
        finding.resolved_at = cap.verified_at
    return cap


def _live(
    run: Run,
    plan: Plan,
    finding: FindingRecord,
    opened: datetime,
    next_final: AuditRecord | None,
) -> None:
    rng, cap, cutoff = run.rng, plan.cap, run.cutoff
    supplier, csr = plan.supplier, plan.csr
    roll = rng.random()
    if roll < 0.012 or (roll < 0.032 and opened < cutoff - timedelta(days=365)):
        # Cancelled: a duplicate or a closed line; or an unanswered plan that the next
        # audit's plan superseded.
        at = run.later(opened, 5, 90) if roll < 0.012 else run.later(opened, 120, 300)
        if at < cutoff:
            reason = words.CANCEL_REASONS[0 if roll < 0.006 else 1 if roll < 0.012 else 2]
            cap.cancel_reason = reason
            plan.move(at, "cancel", Status.CANCELLED, csr, reason)
        return
    if roll < 0.032:
        return  # no answer from the supplier yet
    laggard = rng.random() < 0.12
    pace = rng.lognormvariate(math.log(0.55), 0.45) * (rng.uniform(2, 4) if laggard else 1)
    due = cap.due_date or opened.date()
    span = max((due - opened.date()).days, 10)
    start = run.later(opened, 5, 40) if laggard else run.later(opened, 1, 12)
    if start >= cutoff:
        return
    cap.started_at = start
    plan.move(start, "start", Status.IN_PROGRESS, supplier)
    worked = run.later(start, 0.05, 5)
    submit = max(opened + timedelta(days=max(span * pace, 5)), worked + timedelta(days=1))
    if worked < cutoff:
        plan.root_causes(finding, worked)
        plan.actions(finding, worked)
    serious = finding.severity in (Severity.ZERO_TOLERANCE, Severity.CRITICAL) or (
        finding.category in ("FORCED", "CHILD")
    )
    if run.partners and rng.random() < (0.25 if serious else 0.01):
        joined = run.later(start, 1, 10)
        if joined < min(submit, cutoff):
            plan.consultant(joined)
    if rng.random() < 0.06:
        asked = run.later(worked, 1, max(2, span * 0.5))
        if asked < min(submit, cutoff):
            plan.extension(asked, submit)
    _comments(run, plan, start, min(submit + timedelta(days=20), cutoff))
    if submit >= cutoff or worked >= cutoff:
        plan.finish_actions(None)
        return
    for _file in range(1 if rng.random() < 0.7 else 2):
        plan.evidence(max(worked, submit - timedelta(days=rng.uniform(0.1, 4))))
    plan.finish_actions(submit)
    cap.submitted_at = submit
    plan.move(submit, "submit", Status.SUBMITTED, supplier)
    if rng.random() < 0.15:
        returned = run.later(submit, 3, 15)
        if returned >= cutoff:
            return
        reason = rng.choice(words.RETURN_REASONS)
        cap.return_reason = reason
        plan.move(returned, "return", Status.RETURNED, csr, reason)
        restarted = run.later(returned, 1, 6)
        if restarted >= cutoff:
            return
        plan.move(restarted, "start", Status.IN_PROGRESS, supplier)
        resubmit = run.later(restarted, 7, 35)
        more = min(run.later(restarted, 1, 6), resubmit - timedelta(hours=1))
        if more < cutoff:
            plan.evidence(more)
        if resubmit >= cutoff:
            return
        cap.submitted_at = resubmit
        plan.move(resubmit, "submit", Status.SUBMITTED, supplier)
    verified = run.later(cap.submitted_at, 3, 21)
    if cap.verification_method == Verification.FOLLOW_UP_AUDIT:
        if next_final is None or next_final.finalized_at is None:
            return  # waits for the next audit of the facility
        verified = max(verified, run.later(next_final.finalized_at, 1, 10))
        cap.follow_up_audit = next_final.id
    if verified >= cutoff:
        cap.follow_up_audit = None
        return
    note = rng.choice(words.VERIFICATION_NOTES)
    cap.verified_at, cap.verified_by, cap.verification_note = verified, csr.user_id, note
    plan.move(verified, "verify", Status.VERIFIED, csr, note)


def _comments(run: Run, plan: Plan, first: datetime, last: datetime) -> None:
    rng = run.rng
    if last <= first:
        return
    brand = plan.link.brand
    if rng.random() < 0.35:
        plan.comment(_between(run, first, last), plan.supplier, rng.choice(words.SUPPLIER_COMMENTS))
    if rng.random() < 0.3:
        plan.comment(_between(run, first, last), plan.csr, rng.choice(words.BRAND_COMMENTS))
    if rng.random() < 0.12:
        author = rng.choice(brand.csr)
        plan.comment(
            _between(run, first, last), author, rng.choice(words.INTERNAL_COMMENTS), internal=True
        )


def _between(run: Run, first: datetime, last: datetime) -> datetime:
    return first + (last - first) * run.rng.random()


def mark_not_sustained(run: Run, link: Link, cap: CapRecord, audit: AuditRecord) -> None:
    """A later audit found the problem again: the verified fix did not hold
    (``remediation.services.opening._mark_not_sustained``)."""
    assert audit.finalized_at is not None
    cap.not_sustained_at = audit.finalized_at
    updated = cap.updated_at  # the service saves only ``not_sustained_at``
    Plan(run, link, cap).event(
        audit.finalized_at,
        "not_sustained",
        link.csr,
        note=run.phrases.found_again % {"date": audit.start},
    )
    cap.updated_at = updated


def write_cap(run: Run, link: Link, finding: FindingRecord, cap: CapRecord) -> None:
    run.tables[CorrectiveActionPlan].add(
        id=cap.id,
        finding_id=finding.id,
        brand_id=link.brand.id,
        facility_id=link.site.id,
        category=finding.category,
        severity=finding.severity,
        status=cap.status,
        due_date=cap.due_date,
        verification_method=cap.verification_method,
        follow_up_audit_id=cap.follow_up_audit,
        verification_note=cap.verification_note,
        return_reason=cap.return_reason,
        cancel_reason=cap.cancel_reason,
        not_sustained_at=cap.not_sustained_at,
        started_at=cap.started_at,
        submitted_at=cap.submitted_at,
        verified_at=cap.verified_at,
        verified_by_id=cap.verified_by,
        created_at=cap.created_at,
        updated_at=cap.updated_at,
    )


def _remember(run: Run, link: Link, cap: CapRecord) -> None:
    """Note the largest brand's CAPs a benchmark will want to open."""
    seen = run.highlights
    site = link.site
    seen.caps_per_site[site.id] += 1
    seen.supplier_admins[site.supplier_id] = site.admin.email
    if cap.is_open:
        seen.open_caps_per_supplier[site.supplier_id] += 1
        if cap.due_date is not None and cap.due_date < run.today:
            seen.overdue_caps.setdefault(site.id, cap.id)
    if cap.events > seen.richest_cap[0]:
        seen.richest_cap = (cap.events, cap.id)
