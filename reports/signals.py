"""Keeping the stored current scorecards honest: every write to what a score reads
marks the affected facility's rows stale (one UPDATE), so the next read recomputes
them (``reports.services.scorecards``).

Model signals here carry no business rule, only this cache invalidation: they also
catch writes made outside the services (the admin, a shell, a test's arrange step),
which a cache that silently went wrong would not forgive. Writes made in bulk, which
send no model signal, announce themselves with ``suppliers.signals.
facility_facts_changed``; writes in this app (the monthly snapshots) mark the rows
themselves.

Saves only, no deletes: the rows of a deleted facility or relationship go with it
(a cascade), and findings, audits and CAPs are deleted only while their audit is a
draft, which no score reads. A delete receiver would also cost every bulk delete of
those models a query per row (Django gives up its single DELETE when one listens).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_save

from audits.models import Audit, AuditShare, Finding
from remediation.models import CorrectiveActionPlan
from reports.models import ScorecardSnapshot
from reports.services.scorecards import current_scorecards_mark_stale
from suppliers.models import Facility, SourcingRelationship
from suppliers.signals import facility_facts_changed


def on_facility_row_changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    """A CAP, an audit or a snapshot: its own ``facility_id``."""
    current_scorecards_mark_stale(facility_ids=[instance.facility_id])


def on_audit_row_changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    """A finding or an audit share: the facility of its audit, read in the UPDATE."""
    current_scorecards_mark_stale(
        facility_ids=Audit.objects.filter(pk=instance.audit_id).values("facility_id")
    )


def on_facility_changed(sender: type[Model], instance: Facility, **kwargs: Any) -> None:
    current_scorecards_mark_stale(facility_ids=[instance.pk])


def on_relationship_changed(
    sender: type[Model], instance: SourcingRelationship, **kwargs: Any
) -> None:
    # The relationship's own row too: after a merge of duplicates it is still filed
    # under the facility the relationship left.
    current_scorecards_mark_stale(facility_ids=[instance.facility_id], relationship_id=instance.pk)


def on_facility_facts_changed(sender: Any, facility_ids: list[Any], **kwargs: Any) -> None:
    current_scorecards_mark_stale(facility_ids=facility_ids)


RECEIVERS: tuple[tuple[type[Model], Any], ...] = (
    (Finding, on_audit_row_changed),
    (AuditShare, on_audit_row_changed),
    (Audit, on_facility_row_changed),
    (CorrectiveActionPlan, on_facility_row_changed),
    (ScorecardSnapshot, on_facility_row_changed),
    (Facility, on_facility_changed),
    (SourcingRelationship, on_relationship_changed),
)


def connect() -> None:
    for model, receiver in RECEIVERS:
        post_save.connect(
            receiver, sender=model, weak=False, dispatch_uid=f"reports.stale.{model.__name__}"
        )
    facility_facts_changed.connect(
        on_facility_facts_changed, dispatch_uid="reports.stale_scorecards.facts"
    )
