from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemediationConfig(AppConfig):
    name = "remediation"
    verbose_name = _("Remediation")

    def ready(self) -> None:
        from audits.signals import audit_finalized, audit_share_revoked, finding_amended
        from remediation.services.opening import on_audit_finalized, on_finding_amended
        from remediation.services.participants import on_audit_share_revoked

        audit_finalized.connect(on_audit_finalized, dispatch_uid="remediation.open_caps")
        finding_amended.connect(on_finding_amended, dispatch_uid="remediation.follow_finding")
        audit_share_revoked.connect(
            on_audit_share_revoked, dispatch_uid="remediation.leave_unshared_caps"
        )
