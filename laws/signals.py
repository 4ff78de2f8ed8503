"""What the law library announces to the apps above it (DESIGN.md §1).

``requirement_versioned`` is sent after commit when a requirement gets a new version,
with ``old_id`` and ``new_id`` (strings) and ``kind``: ``"superseded"`` when the law
changed from a date, ``"corrected"`` when the recorded fact was wrong. The audits app
flags open findings that cite the old version for review.
"""

from django.dispatch import Signal

requirement_versioned = Signal()
