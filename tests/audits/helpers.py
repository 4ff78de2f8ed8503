"""Arrange helpers for audits tests: every object made through the services, inside
one consistent tenant (a brand sourcing from a facility of one supplier)."""

from __future__ import annotations

from datetime import date
from typing import Any

from audits.models import Audit, Finding
from audits.services.audits import audit_create, audit_finalize
from audits.services.findings import finding_create, finding_resolve
from csr_platform.models import Membership
from laws.models import LegalInstrument, Requirement
from suppliers.models import Facility, SourcingRelationship
from suppliers.services.facilities import facility_add
from tests.factories import member


def facility_of(
    brand_admin: Membership, *, name: str = "Dhaka Knit Ltd", country: str = "BD"
) -> Facility:
    """A facility the brand of ``brand_admin`` has added (so it sources from it)."""
    relationship = facility_add(
        by=brand_admin, name=name, country=country, supplier_name=f"{name} Group"
    )
    return relationship.facility


def also_sourced_by(brand_admin: Membership, facility: Facility) -> SourcingRelationship:
    """Make ``brand_admin``'s brand source from an existing facility too."""
    return SourcingRelationship.objects.create(
        brand=brand_admin.organization,
        facility=facility,
        status=SourcingRelationship.Status.APPROVED,
    )


def supplier_admin_of(facility: Facility) -> Membership:
    return member("supplier", "admin", organization=facility.supplier)


def draft_audit(
    by: Membership, facility: Facility, *, on: date = date(2025, 3, 10), **values: Any
) -> Audit:
    fields: dict[str, Any] = {
        "audit_type": Audit.Type.PERIODIC,
        "scheme": Audit.Scheme.SMETA,
        "audit_firm": "Fair Audits Ltd",
        "start_date": on,
        "end_date": on,
        **values,
    }
    return audit_create(by=by, facility=facility, **fields)


def add_finding(by: Membership, audit: Audit, **values: Any) -> Finding:
    fields: dict[str, Any] = {
        "category": "HOURS",
        "severity": "major",
        "description": "Workers worked 72 hours in the peak week.",
        **values,
    }
    return finding_create(audit=audit, by=by, **fields)


def final_audit(
    by: Membership,
    facility: Facility,
    *,
    on: date = date(2025, 3, 10),
    findings: int = 1,
    **values: Any,
) -> Audit:
    audit = draft_audit(by, facility, on=on)
    for _ in range(findings):
        add_finding(by, audit, **values)
    return audit_finalize(audit=audit, by=by)


def resolve_all(audit: Audit) -> None:
    """What remediation does when each CAP is verified."""
    for finding in audit.findings.all():
        finding_resolve(finding=finding)


def bd_overtime_rule(*, effective_from: date = date(2006, 10, 11), limit: int = 60) -> Requirement:
    """Bangladesh's weekly hours cap, recorded like the seed library does."""
    instrument, _ = LegalInstrument.objects.get_or_create(
        country="BD", title="Bangladesh Labour Act 2006", defaults={"year": 2006}
    )
    return Requirement.objects.create(
        country="BD",
        topic="overtime",
        instrument=instrument,
        citation="s.102",
        summary=f"At most {limit} h a week.",
        parameters={"max_total_hours_per_week": limit},
        effective_from=effective_from,
        source_url="https://example.org/bla",
    )
