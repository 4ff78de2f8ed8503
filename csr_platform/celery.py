"""The Celery application. Configuration lives in Django settings (``CELERY_*``)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csr_platform.settings")

app = Celery("csr_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
