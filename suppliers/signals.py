"""What the suppliers app announces to the apps above it (DESIGN.md §1).

``facility_facts_changed`` is sent, inside the writing transaction, by the services
that change facts of facilities in bulk (``bulk_create``, ``update()``), which no
model signal reports: ``facility_ids``, a list of facility ids. Reports marks those
facilities' stored current scorecards stale, so they are recomputed before anyone
reads them.
"""

from django.dispatch import Signal

facility_facts_changed = Signal()
