"""Each relationship's audits over the years, their findings, and what became of them.

Audits come about once a year, with a follow-up two to three months after one that
found something zero-tolerance or critical; the last one may still be a draft when it
ended less than two weeks ago. Findings cite the law version in force on the audit's
first day where the country has one, get their due date from the brand's policy when
the audit is finalized, and a problem found again after its fix was verified is a
repeat, linked the way ``audits.services.recurrence`` links it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from audits.models import Audit, Finding
from laws.taxonomy import SCHEME_REFERENCES, Severity
from reports.scale import vocabulary as words
from reports.scale.context import Key, LawVersion, Run, Weighted
from reports.scale.people import person_name
from reports.scale.remediation import CapRecord, mark_not_sustained, open_cap, write_cap
from reports.scale.sourcing import Link, event

CATEGORIES = Weighted(words.CATEGORY_WEIGHTS)
SEVERITIES = Weighted(words.SEVERITY_WEIGHTS)
TOPICS = {category: Weighted(topics) for category, topics in words.CATEGORY_TOPICS.items()}
ANNOUNCEMENTS = Weighted({"announced": 65, "semi_announced": 25, "unannounced": 10})
# Mean and spread of the number of findings, by audit type: about ten overall.
FINDINGS_PER_AUDIT: dict[str, tuple[float, float]] = {
    Audit.Type.PRE_SOURCING: (12.5, 4),
    Audit.Type.INITIAL: (12.5, 4),
    Audit.Type.PERIODIC: (10.9, 4),
    Audit.Type.UNANNOUNCED: (12, 4),
    Audit.Type.FOLLOW_UP: (4.3, 2),
    Audit.Type.SELF_ASSESSMENT: (5, 2),
}
# How often a finding is a problem the facility had before (persistent problems), and
# how often a fix that was verified holds where the auditor would otherwise find the
# same category again.
RECALL: dict[str, float] = {Audit.Type.FOLLOW_UP: 0.4}
DEFAULT_RECALL = 0.05
FIX_HOLDS = 0.7


@dataclass(slots=True, eq=False)
class AuditRecord:
    id: Key
    type: str
    scheme: str
    start: date
    end: date
    created_at: datetime
    finalized_at: datetime | None
    findings: list[FindingRecord] = field(default_factory=list)
    repeats: int = 0

    @property
    def is_final(self) -> bool:
        return self.finalized_at is not None

    @property
    def has_serious_findings(self) -> bool:
        return any(
            f.severity in (Severity.ZERO_TOLERANCE, Severity.CRITICAL) for f in self.findings
        )


@dataclass(slots=True, eq=False)
class FindingRecord:
    id: Key
    audit: AuditRecord
    number: int
    category: str
    severity: str
    law: LawVersion | None
    values: dict[str, Any]
    due_date: date | None = None
    resolved_at: datetime | None = None
    repeat_of: FindingRecord | None = None
    not_sustained_at: datetime | None = None
    cap: CapRecord | None = None

    @property
    def rule(self) -> tuple[str, str, str] | None:
        return None if self.law is None else self.law.rule


def audit_history(run: Run, link: Link) -> None:
    """Every audit of the relationship, oldest first, with findings and CAPs; rows
    are written once the history is complete."""
    if link.audit_from is None or link.audit_from > link.audit_until:
        return
    rng = run.rng
    audits: list[AuditRecord] = []
    memory: list[tuple[str, str]] = []
    if link.vetting_only:
        if rng.random() < 0.5:
            return
        day = run.day_between(link.audit_from, link.audit_until)
        kind = Audit.Type.PRE_SOURCING
    else:
        day = link.audit_from + timedelta(days=rng.randint(10, 60))
        kind = rng.choice((Audit.Type.PRE_SOURCING, Audit.Type.INITIAL, Audit.Type.PERIODIC))
    previous: AuditRecord | None = None
    while day <= link.audit_until:
        audit = _audit(run, link, kind, day)
        if previous is not None:
            _open_caps(run, link, previous, audit if audit.is_final else None)
        _findings(run, link, audit, audits, memory)
        audits.append(audit)
        previous = audit
        if link.vetting_only:
            break
        if audit.has_serious_findings and rng.random() < 0.5:
            kind, gap = Audit.Type.FOLLOW_UP, rng.randint(60, 100)
        else:
            roll = rng.random()
            kind = (
                Audit.Type.UNANNOUNCED
                if roll < 0.1
                else Audit.Type.SELF_ASSESSMENT
                if roll < 0.14
                else Audit.Type.PERIODIC
            )
            gap = rng.randint(300, 390)
        day = audit.start + timedelta(days=gap)
    if previous is not None:
        _open_caps(run, link, previous, None)
    _write(run, link, audits)


def _audit(run: Run, link: Link, kind: str, day: date) -> AuditRecord:
    """An audit on ``day``, finalized up to two weeks after its last day on site, or
    still a draft if that is not yet past."""
    rng = run.rng
    yesterday = run.today - timedelta(days=1)
    start = min(day, yesterday)
    end = min(start + timedelta(days=rng.choice((0, 1, 1, 2, 2, 3))), yesterday)
    finalized_on = end + timedelta(days=rng.randint(1, 14))
    finalized_at = run.moment(finalized_on) if finalized_on < run.today else None
    created = run.moment(min(end + timedelta(days=rng.randint(0, 1)), yesterday))
    if finalized_at is not None:
        created = min(created, finalized_at - timedelta(hours=2))
    return AuditRecord(
        id=run.key(),
        type=kind,
        scheme=link.brand.schemes.pick(rng),
        start=start,
        end=end,
        created_at=created,
        finalized_at=finalized_at,
    )


def _findings(
    run: Run,
    link: Link,
    audit: AuditRecord,
    earlier: list[AuditRecord],
    memory: list[tuple[str, str]],
) -> None:
    rng = run.rng
    mean, spread = FINDINGS_PER_AUDIT[audit.type]
    count = max(0, min(30, round(rng.gauss(mean, spread))))
    recall = RECALL.get(audit.type, DEFAULT_RECALL)
    country = link.site.country
    in_library = country in run.laws.countries
    days = link.brand.days
    fixed = {
        f.category
        for a in earlier
        for f in a.findings
        if f.resolved_at is not None and f.resolved_at.date() < audit.start
    }
    for number in range(1, count + 1):
        if memory and rng.random() < recall:
            category, topic = rng.choice(memory)
        else:
            category = CATEGORIES.pick(rng)
            for _retry in range(2):
                if category not in fixed or rng.random() >= FIX_HOLDS:
                    break
                category = CATEGORIES.pick(rng)
            topics = TOPICS.get(category)
            topic = topics.pick(rng) if topics else ""
            memory.append((category, topic))
        severity = SEVERITIES.pick(rng)
        if severity == Severity.ZERO_TOLERANCE and category not in words.ZERO_TOLERANCE_CATEGORIES:
            severity = Severity.CRITICAL
        elif severity == Severity.MINOR and category in ("CHILD", "FORCED"):
            severity = Severity.MAJOR
        law = None
        if topic and in_library and rng.random() < 0.9:
            law = run.laws.in_force(country, topic, audit.start)
        finding = FindingRecord(
            id=run.key(),
            audit=audit,
            number=number,
            category=category,
            severity=severity,
            law=law,
            values=_finding_values(run, link, audit, category),
        )
        if audit.is_final and severity != Severity.OBSERVATION:
            finding.due_date = audit.end + timedelta(days=days[severity])
        audit.findings.append(finding)
    if audit.is_final:
        _mark_repeats(run, link, audit, earlier)


def _finding_values(run: Run, link: Link, audit: AuditRecord, category: str) -> dict[str, Any]:
    rng = run.rng
    text = rng.choice(words.FINDING_TEXTS[category]).format(
        section=rng.choice(words.SECTIONS),
        hours=rng.randint(62, 84),
        days=rng.randint(8, 21),
        pct=rng.randint(10, 60),
        month=audit.start.strftime("%B %Y"),
        count=rng.randint(2, 40),
        age=rng.randint(13, 15),
    )
    references = SCHEME_REFERENCES[category]
    by_scheme: dict[str, str] = {
        Audit.Scheme.SMETA: f"SMETA {references['smeta']}",
        Audit.Scheme.AMFORI_BSCI: f"amfori PA {references['amfori']}",
        Audit.Scheme.RBA: f"RBA {references['rba']}",
        Audit.Scheme.SLCP: f"SLCP {references['slcp']}" if references["slcp"] else "",
    }
    reference = by_scheme.get(audit.scheme, "")
    return {
        "description": text,
        "scheme_reference": reference[:80],
        "workers_affected": (
            rng.randint(1, max(2, link.site.workers // 10)) if rng.random() < 0.7 else None
        ),
        "extent": Finding.Extent.SYSTEMIC if rng.random() < 0.25 else Finding.Extent.ISOLATED,
        "evidence": f"Records reviewed; {rng.randint(6, 30)} worker interviews.",
        "source": Finding.Source.IMPORT if rng.random() < 0.3 else Finding.Source.MANUAL,
    }


def _mark_repeats(
    run: Run, link: Link, audit: AuditRecord, earlier_audits: list[AuditRecord]
) -> None:
    """``findings_mark_repeats`` on finalizing ``audit``: the latest earlier finding
    of the brand at the facility, same category (and rule, when both cite a law),
    whose fix was verified before this audit was finalized."""
    finalized = audit.finalized_at
    assert finalized is not None
    earlier = [
        f
        for a in reversed(earlier_audits)
        if a.is_final and a.start < audit.start
        for f in sorted(a.findings, key=lambda f: -f.number)
        if f.resolved_at is not None and f.resolved_at < finalized
    ]
    if not earlier:
        return
    # Stable sort: within one start date the order above (highest number first) holds.
    earlier.sort(key=lambda f: f.audit.start, reverse=True)
    for finding in audit.findings:
        if finding.severity == Severity.OBSERVATION:
            continue
        rule = finding.rule
        match = next(
            (
                e
                for e in earlier
                if e.category == finding.category
                and (rule is None or e.rule is None or e.rule == rule)
            ),
            None,
        )
        if match is None:
            continue
        finding.repeat_of = match
        audit.repeats += 1
        if match.not_sustained_at is None:
            match.not_sustained_at = finalized
        cap = match.cap
        if cap is not None and cap.status == "verified" and cap.not_sustained_at is None:
            mark_not_sustained(run, link, cap, audit)


def _open_caps(run: Run, link: Link, audit: AuditRecord, next_final: AuditRecord | None) -> None:
    if not audit.is_final:
        return
    for finding in audit.findings:
        if finding.severity != Severity.OBSERVATION:
            open_cap(run, link, audit, finding, next_final)


def _write(run: Run, link: Link, audits: list[AuditRecord]) -> None:
    tables, brand, site, csr = run.tables, link.brand, link.site, link.csr
    summary = link.summary
    for audit in audits:
        tables[Audit].add(
            id=audit.id,
            facility_id=site.id,
            brand_id=brand.id,
            audit_type=audit.type,
            scheme=audit.scheme,
            reference=f"{audit.scheme.upper()}-{audit.start.year}-{audit.id[:8].upper()}",
            audit_firm=(brand.name if audit.scheme == Audit.Scheme.INTERNAL else _firm(run)),
            lead_auditor=person_name(run),
            start_date=audit.start,
            end_date=audit.end,
            announcement=(
                Audit.Announcement.UNANNOUNCED
                if audit.type == Audit.Type.UNANNOUNCED
                else ANNOUNCEMENTS.pick(run.rng)
            ),
            workers_interviewed=(
                None if audit.type == Audit.Type.SELF_ASSESSMENT else run.rng.randint(8, 40)
            ),
            summary=run.rng.choice(words.AUDIT_SUMMARIES),
            status=Audit.Status.FINAL if audit.is_final else Audit.Status.DRAFT,
            finalized_at=audit.finalized_at,
            finalized_by_id=csr.user_id if audit.is_final else None,
            created_at=audit.created_at,
            created_by_id=csr.user_id,
        )
        for finding in audit.findings:
            _write_finding(run, link, audit, finding)
        summary.last_audit_at = audit.created_at
        if audit.finalized_at is not None:
            summary.last_final_audit, summary.last_final_at = audit.id, audit.finalized_at
            label = run.phrases.schemes[audit.scheme]
            event(
                run,
                site=site,
                action="audit_finalized",
                actor=csr,
                at=audit.finalized_at,
                relationship=link.id,
                note=run.phrases.audit_finalized
                % {
                    "audit": f"{label} {site.name} {audit.start:%Y-%m-%d}",
                    "findings": len(audit.findings),
                    "repeats": audit.repeats,
                },
            )


def _firm(run: Run) -> str:
    return run.rng.choice(words.AUDIT_FIRMS)


def _write_finding(run: Run, link: Link, audit: AuditRecord, finding: FindingRecord) -> None:
    law = finding.law
    resolved = finding.resolved_at
    # A new version of the law came into force while the problem was still open: the
    # finding keeps its version and is flagged (``findings_flag_law_change``).
    review = (
        resolved is None
        and law is not None
        and law.successor_from is not None
        and law.successor_from <= run.today
    )
    run.tables[Finding].add(
        id=finding.id,
        audit_id=audit.id,
        number=finding.number,
        category=finding.category,
        severity=finding.severity,
        requirement_id=law.id if law else None,
        status=Finding.Status.RESOLVED if resolved else Finding.Status.OPEN,
        resolved_at=resolved,
        due_date=finding.due_date,
        repeat_of_id=finding.repeat_of.id if finding.repeat_of else None,
        not_sustained_at=finding.not_sustained_at,
        law_review_needed=review,
        law_review_note=(
            (
                run.phrases.law_changed
                % {"date": law.successor_from, "ref": law.successor_reference}
            )[:300]
            if review and law is not None
            else ""
        ),
        created_at=audit.created_at + timedelta(seconds=finding.number),
        created_by_id=link.csr.user_id,
        **finding.values,
    )
    if finding.cap is not None:
        write_cap(run, link, finding, finding.cap)
