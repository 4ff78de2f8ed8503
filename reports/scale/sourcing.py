"""Facilities, the suppliers that run them, and each brand's relationship with them.

A supplier runs one to three facilities in one country and has one admin. About 15 %
of a brand's facilities are also sourced by another brand. Relationships are mostly
approved, each onboarded the way the product does it (questionnaire sent and answered,
a CSR decision and a sourcing sign-off by someone else), with the facility timeline
that leaves, and the screening answers and risk score of ``reports.scale.screening``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from csr_platform.models import Organization
from csr_platform.roles import OrganizationKind, Role
from reports.scale import vocabulary as words
from reports.scale.context import Brand, Key, LinkSummary, Person, Run, Site, Weighted
from reports.scale.people import add_person
from reports.scale.screening import QUALITY, add_screening, risk, screening_answers
from suppliers.models import (
    Certification,
    ExitPlan,
    ExitStep,
    Facility,
    FacilityEvent,
    SourcingRelationship,
)

Status = SourcingRelationship.Status
SHARED_SHARE = 0.15
STATUSES = Weighted(
    {
        Status.APPROVED: 80,
        Status.CONDITIONAL: 8,
        Status.SUSPENDED: 3,
        Status.IN_REVIEW: 2,
        Status.SCREENING: 2,
        Status.PROSPECTIVE: 2,
        Status.EXITING: 1.5,
        Status.EXITED: 1,
        Status.REJECTED: 0.5,
    }
)
COUNTRIES = Weighted(words.COUNTRY_WEIGHTS)
EXIT_REASON = "Repeated excessive overtime over two audit cycles; the CAPs were not sustained."
# The relationship's timeline: action, when, who, from → to, note.
Timeline = Callable[..., None]


@dataclass
class Link:
    """One brand's relationship with one site, as the audit history needs it."""

    id: Key
    brand: Brand
    site: Site
    status: str
    csr: Person
    # The first day an audit may start, and the last (None: no audits).
    audit_from: date | None
    audit_until: date
    # Only a pre-sourcing audit: the brand is still vetting, or rejected the site.
    vetting_only: bool
    summary: LinkSummary


class SupplierFactory:
    """Hands out new sites, grouping them under suppliers of one to three sites."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.remaining = 0
        self.supplier_id: Key = ""
        self.supplier_name = ""
        self.country = ""
        self.admin: Person | None = None

    def new_site(self, *, first_seen: datetime, by: Person) -> Site:
        run = self.run
        if self.remaining == 0 or self.admin is None:
            self._new_supplier(first_seen)
        assert self.admin is not None
        self.remaining -= 1
        rng = run.rng
        place = rng.choice(words.PLACES[self.country])
        name = f"{place} {rng.choice(words.SITE_WORDS)}"
        if rng.random() < 0.4:
            name += f" Unit {rng.randint(1, 6)}"
        workers = max(40, min(9000, round(rng.lognormvariate(math.log(900), 0.8))))
        women = round(workers * rng.uniform(0.55, 0.85))
        site_id = run.key()
        os_id = ""
        if rng.random() < 0.85:
            os_id = f"{self.country}{first_seen.year}S{len(run.sites) + 1:07d}"
        run.tables[Facility].add(
            id=site_id,
            supplier_id=self.supplier_id,
            name=name,
            country=self.country,
            address=f"{rng.randint(1, 400)} Industrial Road, {place}",
            os_id=os_id,
            worker_count=workers,
            workers_female=women,
            workers_male=workers - women,
            processes=rng.sample(words.PROCESSES, rng.randint(2, 4)),
            product_types=rng.sample(words.PRODUCT_TYPES, rng.randint(1, 3)),
            created_at=first_seen,
            created_by_id=by.user_id,
        )
        site = Site(
            id=site_id,
            name=name,
            country=self.country,
            supplier_id=self.supplier_id,
            supplier_name=self.supplier_name,
            admin=self.admin,
            created_at=first_seen,
            workers=workers,
            valid_certificates=self._certificates(site_id, first_seen),
        )
        run.sites.append(site)
        event(run, site=site, action="facility_added", actor=by, at=first_seen)
        return site

    def _new_supplier(self, first_seen: datetime) -> None:
        run = self.run
        rng = run.rng
        run.supplier_count += 1
        self.remaining = rng.choices((1, 2, 3), weights=(50, 30, 20))[0]
        self.country = COUNTRIES.pick(rng)
        trade = f"{rng.choice(words.NAME_WORDS)} {rng.choice(words.TRADE_WORDS)}"
        self.supplier_name = words.COMPANY_FORMS[self.country].format(trade)
        self.supplier_id = run.key()
        slug = f"scale-supplier-{run.supplier_count:05d}"
        run.tables[Organization].add(
            id=self.supplier_id,
            name=self.supplier_name,
            slug=slug,
            kind=OrganizationKind.SUPPLIER,
            created_at=first_seen,
        )
        self.admin = add_person(
            run,
            organization_id=self.supplier_id,
            email=f"admin@{slug}.example",
            role=Role.ADMIN,
            joined=first_seen + timedelta(days=rng.randint(1, 10)),
            time_zone=words.TIME_ZONES[self.country],
        )

    def _certificates(self, site_id: Key, first_seen: datetime) -> list[str]:
        run = self.run
        valid: list[str] = []
        if run.rng.random() >= 0.35:
            return valid
        for name in run.rng.sample(words.CERTIFICATES, run.rng.randint(1, 2)):
            issued = run.day_between(first_seen.date() - timedelta(days=700), run.today)
            expires = issued + timedelta(days=3 * 365)
            run.tables[Certification].add(
                id=run.key(),
                facility_id=site_id,
                name=name,
                number=f"{name[:3].upper()}-{run.rng.randint(10000, 99999)}",
                issued_on=issued,
                expires_on=expires,
            )
            if expires >= run.today:
                valid.append(name)
        return valid


def event(
    run: Run,
    *,
    site: Site,
    action: str,
    actor: Person,
    at: datetime,
    relationship: Key | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> None:
    """One entry of the facility timeline, as ``facility_event_record`` writes it."""
    run.tables[FacilityEvent].add(
        id=run.key(),
        facility_id=site.id,
        relationship_id=relationship,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        actor_id=actor.user_id,
        created_at=at,
    )


def brand_slots(run: Run, brand: Brand) -> list[Site | None]:
    """The brand's facilities: ``None`` for a new one, or a site an earlier brand
    already sources from (about 15 % of them)."""
    pool = list(run.sites)
    taken: set[Key] = set()
    slots: list[Site | None] = []
    for _slot in range(brand.facility_count):
        if pool and run.rng.random() < SHARED_SHARE:
            for _attempt in range(5):
                site = run.rng.choice(pool)
                if site.id not in taken:
                    taken.add(site.id)
                    slots.append(site)
                    break
            else:
                slots.append(None)
        else:
            slots.append(None)
    return slots


def add_link(run: Run, brand: Brand, site: Site | None, suppliers: SupplierFactory) -> Link:
    """The relationship, its onboarding (screening, decision, sign-off) and timeline."""
    rng = run.rng
    today, window_start = run.today, run.window_start
    status = STATUSES.pick(rng)
    if status == Status.PROSPECTIVE:
        started = today - timedelta(days=rng.randint(3, 60))
    elif status == Status.SCREENING:
        started = today - timedelta(days=rng.randint(10, 90))
    elif status == Status.IN_REVIEW:
        started = today - timedelta(days=rng.randint(30, 150))
    elif status == Status.REJECTED:
        started = run.day_between(window_start, today - timedelta(days=90))
    elif status == Status.EXITED:
        started = window_start + timedelta(days=rng.randint(0, 700))
    elif status == Status.EXITING:
        started = window_start + timedelta(days=rng.randint(0, 1200))
    elif rng.random() < 0.6:
        # Most suppliers were on the list before the five years began to be recorded.
        started = window_start + timedelta(days=rng.randint(0, 90))
    else:
        started = run.day_between(window_start, today - timedelta(days=150))
    csr = rng.choice(brand.csr)
    owner = rng.choice(brand.sourcing)
    started_at = run.moment(started)
    if site is None:
        site = suppliers.new_site(first_seen=started_at, by=csr)
    link_id = run.key()
    summary = LinkSummary(brand=brand, site=site, status=status, csr=csr)
    run.links_by_site[site.id].append(summary)

    def timeline(
        action: str, at: datetime, actor: Person, frm: str, to: str, note: str = ""
    ) -> None:
        event(
            run,
            site=site,
            action=action,
            actor=actor,
            at=at,
            relationship=link_id,
            from_status=frm,
            to_status=to,
            note=note,
        )

    timeline("relationship_added", started_at, csr, "", Status.PROSPECTIVE)
    values: dict[str, Any] = {}
    answers: dict[str, Any] | None = None
    audit_from: date | None = None
    audit_until = today - timedelta(days=1)
    vetting_only = False
    last = started_at
    if status != Status.PROSPECTIVE:
        sent = run.later(started_at, 1, 5)
        timeline("questionnaire_sent", sent, csr, Status.PROSPECTIVE, Status.SCREENING)
        last = sent
        if status == Status.SCREENING:
            add_screening(run, link_id, brand, csr, site, sent, None, {})
        else:
            submitted = min(run.later(sent, 3, 20), run.cutoff - timedelta(hours=2))
            answers = screening_answers(run, brand.questions, QUALITY[status].pick(rng), submitted)
            add_screening(run, link_id, brand, csr, site, sent, submitted, answers)
            timeline(
                "screening_submitted", submitted, site.admin, Status.SCREENING, Status.IN_REVIEW
            )
            last = submitted
            values, last, audit_from, audit_until, vetting_only = _decisions(
                run, status, link_id, brand, csr, owner, site, submitted, timeline
            )
    score, grade, breakdown = risk(run, brand, site, answers)
    run.tables[SourcingRelationship].add(
        id=link_id,
        brand_id=brand.id,
        facility_id=site.id,
        status=status,
        sourcing_owner_id=owner.membership_id,
        risk_notes=rng.choice(("", "", "", "Buyer visit noted long hours in peak season.")),
        risk_score=score,
        risk_grade=grade,
        risk_breakdown=breakdown,
        created_at=started_at,
        updated_at=last,
        **values,
    )
    return Link(
        id=link_id,
        brand=brand,
        site=site,
        status=status,
        csr=csr,
        audit_from=audit_from,
        audit_until=audit_until,
        vetting_only=vetting_only,
        summary=summary,
    )


def _decisions(
    run: Run,
    status: str,
    link_id: Key,
    brand: Brand,
    csr: Person,
    owner: Person,
    site: Site,
    submitted: datetime,
    timeline: Timeline,
) -> tuple[dict[str, Any], datetime, date | None, date, bool]:
    """Decision and sign-off after the screening, suspension or exit; returns the
    relationship's decision fields, its last change, and when audits may happen."""
    rng = run.rng
    today = run.today
    yesterday = today - timedelta(days=1)
    rationale = rng.choice(words.RATIONALES)
    if status == Status.IN_REVIEW:
        values: dict[str, Any] = {}
        last = submitted
        if rng.random() < 0.4:
            decided = min(run.later(submitted, 1, 10), run.cutoff - timedelta(hours=1))
            values = {
                "pending_decision": "approve",
                "decided_by_id": csr.user_id,
                "decided_at": decided,
                "rationale": rationale,
            }
            timeline("decided_approve", decided, csr, status, status, rationale)
            last = decided
        return values, last, submitted.date() + timedelta(days=3), yesterday, True
    if status == Status.REJECTED:
        decided = run.later(submitted, 20, 60)
        reason = "Screening raised red flags the pre-sourcing audit confirmed."
        timeline("rejected", decided, csr, Status.IN_REVIEW, Status.REJECTED, reason)
        values = {"decided_by_id": csr.user_id, "decided_at": decided, "rationale": reason}
        return values, decided, submitted.date() + timedelta(days=3), decided.date(), True
    decision = "conditional" if status == Status.CONDITIONAL else "approve"
    decided = run.later(submitted, 2, 15)
    signed = run.later(decided, 1, 7)
    conditions = rng.choice(words.CONDITIONS) if decision == "conditional" else ""
    timeline(f"decided_{decision}", decided, csr, Status.IN_REVIEW, Status.IN_REVIEW, rationale)
    approved = Status.CONDITIONAL if decision == "conditional" else Status.APPROVED
    timeline(f"{decision}_signed_off", signed, owner, Status.IN_REVIEW, approved)
    values = {
        "decided_by_id": csr.user_id,
        "decided_at": decided,
        "rationale": rationale,
        "conditions": conditions,
        "signed_off_by_id": owner.user_id,
        "signed_off_at": signed,
    }
    last = signed
    audit_until = yesterday
    if status == Status.SUSPENDED:
        day = run.day_between(max(signed.date(), today - timedelta(days=300)), yesterday)
        at = max(run.moment(day), run.later(signed, 1, 2))
        reason = rng.choice(words.SUSPENSION_REASONS)
        timeline("suspended", at, csr, approved, Status.SUSPENDED, reason)
        last = at
    elif status in (Status.EXITING, Status.EXITED):
        exit_decided, exit_signed, last = _exit(
            run, status, link_id, csr, site, signed, approved, owner, timeline
        )
        # The exit is now the decision on record, signed off like the approval was.
        values.update(
            decided_at=exit_decided,
            rationale=EXIT_REASON,
            signed_off_at=exit_signed,
        )
        audit_until = exit_decided.date()
    return values, last, submitted.date() + timedelta(days=3), audit_until, False


def _exit(
    run: Run,
    status: str,
    link_id: Key,
    csr: Person,
    site: Site,
    signed: datetime,
    approved: str,
    owner: Person,
    timeline: Timeline,
) -> tuple[datetime, datetime, datetime]:
    """A responsible exit: plan, CSR decision, sourcing sign-off, steps, completion."""
    rng = run.rng
    today = run.today
    if status == Status.EXITING:
        earliest = max(signed.date() + timedelta(days=200), today - timedelta(days=150))
        day = run.day_between(earliest, today - timedelta(days=20))
    else:
        earliest = signed.date() + timedelta(days=300)
        day = run.day_between(earliest, today - timedelta(days=200))
    decided = max(run.moment(day), run.later(signed, 1, 2))
    exit_signed = run.later(decided, 1, 7)
    completed = run.later(exit_signed, 60, 150) if status == Status.EXITED else None
    if completed is not None and completed >= run.cutoff:
        completed = run.cutoff - timedelta(hours=3)
    reason = EXIT_REASON
    plan_id = run.key()
    run.tables[ExitPlan].add(
        id=plan_id,
        relationship_id=link_id,
        status=ExitPlan.Status.COMPLETED if completed else ExitPlan.Status.IN_PROGRESS,
        reason=reason,
        remediation_attempts="Two CAPs on working hours, both returned; a planning training.",
        workers_affected=round(site.workers * rng.uniform(0.1, 0.4)),
        worker_impact="Our orders are about a third of the factory's volume.",
        notice_period_days=90,
        notice_given_on=exit_signed.date(),
        phase_down=[
            {"date": (exit_signed.date() + timedelta(days=30)).isoformat(), "percent": 50},
            {"date": (exit_signed.date() + timedelta(days=90)).isoformat(), "percent": 0},
        ],
        created_by_id=csr.user_id,
        created_at=decided,
        completed_at=completed,
    )
    steps = (
        ("Tell the owner and the worker committee of the exit", 0),
        ("Verify payment of outstanding overtime premiums", 45),
        ("Introduce the factory to other brands sourcing locally", 60),
    )
    for order, (description, offset) in enumerate(steps):
        due = exit_signed.date() + timedelta(days=offset)
        done = completed is not None or (order == 0 and exit_signed < run.cutoff)
        run.tables[ExitStep].add(
            id=run.key(),
            plan_id=plan_id,
            description=description,
            owner="CSR lead",
            due_on=due,
            done_at=min(run.later(exit_signed, 0, 3), completed or run.cutoff) if done else None,
            order=order,
        )
    timeline("decided_exit", decided, csr, approved, approved, reason)
    timeline("exit_signed_off", exit_signed, owner, approved, Status.EXITING)
    last = exit_signed
    if completed is not None:
        timeline("exited", completed, csr, Status.EXITING, Status.EXITED)
        last = completed
    return decided, exit_signed, last
