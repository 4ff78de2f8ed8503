"""Telling the other side of a CAP that it is their move: the brand when the supplier
submits or asks for more time, the supplier (and the consultant working with it) when
the brand returns, verifies or cancels the plan, a partner when it is invited. In-app,
and e-mailed after commit."""

from __future__ import annotations

from django.urls import reverse

from csr_platform.models import Membership, Notification
from csr_platform.permissions import Capability
from csr_platform.services.notifications import members_who_can, notify
from remediation.models import CapParticipant, CorrectiveActionPlan


def _subject(cap: CorrectiveActionPlan) -> str:
    return f"{cap.finding.label} · {cap.facility.name}"


def _send(cap: CorrectiveActionPlan, memberships: list[Membership], title: str, body: str) -> None:
    notify(
        memberships=memberships,
        kind=Notification.Kind.CAP_UPDATE,
        title=f"{title}: {_subject(cap)}",
        body=body,
        url=reverse("cap_detail", args=[cap.pk]),
    )


def tell_brand(cap: CorrectiveActionPlan, title: str, body: str = "") -> None:
    _send(cap, members_who_can(cap.brand_id, Capability.MANAGE_CAP), title, body)


def tell_workers(cap: CorrectiveActionPlan, title: str, body: str = "") -> None:
    """The supplier's people and those of the consultants working on the CAP."""
    memberships = members_who_can(cap.facility.supplier_id, Capability.WORK_ON_CAP)
    consultants = CapParticipant.objects.filter(
        cap=cap, role=CapParticipant.Role.CONSULTANT, removed_at__isnull=True
    ).values_list("organization_id", flat=True)
    for organization_id in consultants:
        memberships += members_who_can(organization_id, Capability.WORK_ON_CAP)
    _send(cap, memberships, title, body)


def tell_participant(participant: CapParticipant, title: str, body: str = "") -> None:
    _send(
        participant.cap,
        members_who_can(participant.organization_id, Capability.COMMENT_ON_CAP),
        title,
        body,
    )
