"""CSR Platform: the Django project and the core every domain app uses."""

from csr_platform.celery import app as celery_app

__all__ = ["celery_app"]
