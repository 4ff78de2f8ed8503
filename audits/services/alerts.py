"""Telling a brand's CSR staff at once about zero-tolerance findings (amfori: raised
within 24 hours of the auditor's arrival), in-app and by e-mail."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.models import Audit, Finding
from csr_platform.models import Membership, Notification
from csr_platform.permissions import Capability
from csr_platform.services.notifications import members_who_can, notify
from laws.taxonomy import Severity

ALERT_LINES = 20


def brand_recorders(brand_id: UUID) -> list[Membership]:
    """The brand's people who record audits and act on findings (admins and CSR)."""
    return members_who_can(brand_id, Capability.RECORD_AUDIT)


def alert_zero_tolerance(*, audit: Audit, findings: Sequence[Finding]) -> int:
    """One notification per person for the zero-tolerance findings among ``findings``.
    Returns how many findings were zero tolerance."""
    flagged = [f for f in findings if f.severity == Severity.ZERO_TOLERANCE]
    if not flagged:
        return 0
    facility = audit.facility
    title = ngettext(
        "Zero-tolerance finding at %(facility)s",
        "%(count)s zero-tolerance findings at %(facility)s",
        len(flagged),
    ) % {"facility": facility.name, "count": len(flagged)}
    # An import may hold many; the message lists the first ones and links to the rest.
    body = "\n".join(
        f"{f.label} {f.get_category_display()}: {f.description[:300]}"
        for f in flagged[:ALERT_LINES]
    )
    if len(flagged) > ALERT_LINES:
        body += "\n" + _("…and %(count)s more.") % {"count": len(flagged) - ALERT_LINES}
    body += "\n\n" + _("Contain the risk now and agree a corrective action plan within days.")
    notify(
        memberships=brand_recorders(audit.brand_id),
        kind=Notification.Kind.ZERO_TOLERANCE,
        title=title,
        body=body,
        url=reverse("audit_detail", args=[audit.pk]),
    )
    return len(flagged)
