"""Arrange helpers for remediation tests: CAPs opened the way the product opens them
(finalizing an audit), worked on and verified through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile

from audits.models import Audit
from csr_platform.models import Membership
from remediation.models import CapAction, CorrectiveActionPlan, Evidence, RootCause
from remediation.services.opening import caps_open_for_audit
from remediation.services.transitions import cap_submit, cap_verify
from remediation.services.work import action_add, evidence_add, root_cause_add
from tests.audits.helpers import facility_of, final_audit, supplier_admin_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def open_cap(
    brand_admin: Membership,
    *,
    category: str = "OSH",
    severity: str = "major",
    on: date = date(2025, 3, 10),
    facility: Any = None,
) -> CorrectiveActionPlan:
    """Finalize an audit with one finding; its CAP is opened as the product does."""
    facility = facility or facility_of(brand_admin)
    audit = final_audit(brand_admin, facility, on=on, category=category, severity=severity)
    caps_open_for_audit(audit_id=str(audit.pk))  # what the audit_finalized receiver does
    return CorrectiveActionPlan.objects.get(finding__audit=audit)


def pdf(name: str = "fire-certificate.pdf") -> ContentFile[bytes]:
    return ContentFile(PDF, name=name)


def plan(cap: CorrectiveActionPlan, by: Membership) -> tuple[RootCause, CapAction]:
    """A root cause and a preventive action: what submitting needs."""
    cause = root_cause_add(
        cap=cap,
        by=by,
        method="five_whys",
        category="policy",
        cause="No one was responsible for checking the exits each shift.",
        whys=[
            {"why": "Why was the exit locked?", "because": "To stop theft at night."},
            {"why": "Why was it still locked by day?", "because": "No one checks it."},
        ],
    )
    action = action_add(
        cap=cap,
        by=by,
        kind="preventive",
        description="A named supervisor checks every exit at the start of each shift.",
        owner="Head of administration",
        due_date=date(2030, 1, 31),
    )
    return cause, action


def submitted(cap: CorrectiveActionPlan, by: Membership) -> CorrectiveActionPlan:
    plan(cap, by)
    evidence_add(cap=cap, by=by, file=pdf())
    return cap_submit(cap=cap, by=by)


def verified(
    cap: CorrectiveActionPlan,
    supplier: Membership,
    brand: Membership,
    follow_up: Audit | None = None,
) -> CorrectiveActionPlan:
    submitted(cap, supplier)
    return cap_verify(cap=cap, by=brand, follow_up_audit=follow_up)


__all__ = ["Evidence", "supplier_admin_of"]
