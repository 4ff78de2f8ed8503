"""The remediation API: CAPs, the work on them, and the consultant directory."""
