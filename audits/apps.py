from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits and findings")

    def ready(self) -> None:
        from audits.services.law_changes import on_requirement_versioned
        from laws.signals import requirement_versioned

        requirement_versioned.connect(
            on_requirement_versioned, dispatch_uid="audits.findings_flag_law_change"
        )
