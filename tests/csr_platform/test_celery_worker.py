"""A real Celery worker consumes what the web process enqueues, through the real broker
(the file-system broker embedded, Redis in CI) — not the eager shortcut other tests use."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from csr_platform.celery import app
from csr_platform.models import Invitation
from csr_platform.services.invitations import invitation_create
from tests.factories import member


@pytest.fixture
def real_worker() -> Iterator[None]:
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_invitation_email_is_sent_by_the_worker(real_worker: None) -> None:
    admin = member("brand", "admin")

    invitation, _secret = invitation_create(by=admin, email="new.csr@example.com", role="csr")

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        invitation.refresh_from_db()
        if invitation.email_sent_at is not None and mail.outbox:
            break
        time.sleep(0.1)
    assert invitation.email_sent_at is not None, "the worker did not run the task"
    assert [m.to for m in mail.outbox] == [["new.csr@example.com"]]
    assert "/accounts/invitations/" in mail.outbox[0].body
    assert Invitation.objects.filter(pk=invitation.pk, email_sent_at__isnull=False).exists()
