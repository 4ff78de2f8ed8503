"""When the law a finding cites gets a new version, the finding is flagged so the
brand checks whether its remediation target moved (a higher minimum wage, a lower
overtime cap). The finding keeps citing the version in force on its audit date."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.models import Finding
from audits.services.alerts import brand_recorders
from csr_platform.models import Notification
from csr_platform.services.notifications import notify
from laws.models import Requirement


@transaction.atomic
def findings_flag_law_change(*, old_id: str, new_id: str, kind: str) -> int:
    """Flag open findings citing ``old_id``; tell each brand once. Returns how many."""
    new = Requirement.objects.select_related("instrument").filter(pk=new_id).first()
    if new is None:
        return 0
    if kind == "corrected":
        note = _("The recorded law was corrected: %(ref)s.") % {"ref": new.reference}
    else:
        note = _("The law changed from %(date)s: %(ref)s.") % {
            "date": new.effective_from,
            "ref": new.reference,
        }
    # Only findings not flagged yet: a repeated announcement flags and tells nothing twice.
    affected = Finding.objects.filter(
        requirement_id=old_id, status=Finding.Status.OPEN, law_review_needed=False
    )
    per_brand = Counter(affected.values_list("audit__brand_id", flat=True))
    flagged = affected.update(law_review_needed=True, law_review_note=note[:300])
    for brand_id, count in per_brand.items():
        notify(
            memberships=brand_recorders(brand_id),
            kind=Notification.Kind.LAW_CHANGE,
            title=ngettext(
                "A law change affects %(count)s open finding",
                "A law change affects %(count)s open findings",
                count,
            )
            % {"count": count},
            body=note,
            url=reverse("law_change_review"),
        )
    return flagged


def on_requirement_versioned(sender: Any, *, old_id: str, new_id: str, kind: str, **_: Any) -> None:
    findings_flag_law_change(old_id=old_id, new_id=new_id, kind=kind)
