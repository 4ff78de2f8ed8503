"""REST API of the audits app under /api/v1/ (DESIGN.md §4)."""
