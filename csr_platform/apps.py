from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CsrPlatformConfig(AppConfig):
    name = "csr_platform"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from csr_platform import receivers  # noqa: F401  (connects the signal handlers)
