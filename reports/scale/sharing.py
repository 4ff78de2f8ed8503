"""Audits shared between brands that source from the same facility.

Some brands offer their latest final audit of a shared facility to another brand
there; the supplier mostly consents. A share is offered only after the receiving
brand's own last audit there was finalized, so no audit the generator finalized ever
had a shared audit to link repeats to — the recurrence written for it stays what
``findings_mark_repeats`` would have found.
"""

from __future__ import annotations

from audits.models import AuditShare
from reports.scale.context import Run, Weighted
from suppliers.models import SourcingRelationship

SHARE_CHANCE = 0.4
OUTCOMES = Weighted({"active": 70, "pending": 15, "declined": 10, "revoked": 5})
NOT_SOURCING = (SourcingRelationship.Status.REJECTED, SourcingRelationship.Status.EXITED)


def add_audit_shares(run: Run) -> None:
    rng = run.rng
    for links in run.links_by_site.values():
        if len(links) < 2:
            continue
        for offering in links:
            if offering.last_final_audit is None or offering.last_final_at is None:
                continue
            for receiving in links:
                if receiving is offering or receiving.status in NOT_SOURCING:
                    continue
                if rng.random() >= SHARE_CHANCE:
                    continue
                since = max(
                    offering.last_final_at, receiving.last_audit_at or offering.last_final_at
                )
                offered = run.later(since, 1, 30)
                if offered >= run.cutoff:
                    continue
                outcome = OUTCOMES.pick(rng)
                answered = run.later(offered, 1, 10)
                if answered >= run.cutoff:
                    outcome = "pending"
                revoked = run.later(answered, 10, 60) if outcome == "revoked" else None
                if revoked is not None and revoked >= run.cutoff:
                    outcome, revoked = "active", None
                admin = offering.site.admin
                run.tables[AuditShare].add(
                    id=run.key(),
                    audit_id=offering.last_final_audit,
                    brand_id=receiving.brand.id,
                    status=outcome,
                    message="We audited this facility recently; happy to share the report.",
                    offered_by_id=offering.csr.user_id,
                    offered_at=offered,
                    answered_by_id=None if outcome == "pending" else admin.user_id,
                    answered_at=None if outcome == "pending" else answered,
                    revoked_by_id=admin.user_id if revoked else None,
                    revoked_at=revoked,
                    reason="The report has been superseded." if revoked else "",
                )
