"""What the audits app announces to the apps above it (DESIGN.md §1).

``audit_finalized`` is sent by ``audit_finalize`` after its transaction commits, with
``audit_id`` (a string). Remediation opens a CAP for each finding that is not an
observation, and marks the CAP of every earlier finding that this audit found again
(``Finding.repeat_of``) as not sustained.
"""

from django.dispatch import Signal

audit_finalized = Signal()

# Sent by ``audit_share_revoke`` after commit, with ``audit_id`` and ``brand_id``
# (strings): the brand no longer reads the audit, so it leaves the audit's CAPs.
audit_share_revoked = Signal()

# Sent by ``finding_amend`` inside its transaction, not after commit, with
# ``finding_id`` (a string): what the apps above copy of a finding (a CAP's category
# and severity) is corrected with it or not at all.
finding_amended = Signal()
