"""The daily CAP reminders as stories: the supplier hears once that a plan is due soon
and weekly that it is overdue; the brand's CSR staff and sourcing owner hear when it
is overdue beyond the grace period. One digest per person per run, never twice."""

from __future__ import annotations

import smtplib
from datetime import date, timedelta
from typing import Any, cast

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.services.policy import severity_policy_update
from csr_platform.models import Membership, Notification, Organization
from csr_platform.models.users import MutableReminder
from remediation.models import CorrectiveActionPlan, ReminderLog
from remediation.services import reminders
from remediation.services.opening import caps_open_for_audit
from remediation.services.participants import participant_add
from remediation.services.reminders import ReminderRun, cap_reminders_send
from remediation.services.transitions import cap_cancel
from remediation.tasks import send_cap_reminders
from suppliers.models import Facility, SourcingRelationship
from tests.audits.helpers import facility_of, final_audit, supplier_admin_of
from tests.factories import Brand, OrganizationFactory, member
from tests.remediation.helpers import open_cap, submitted, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand() -> Brand:
    return Brand()


@pytest.fixture
def cap(brand: Brand) -> CorrectiveActionPlan:
    return open_cap(brand.admin)


@pytest.fixture
def supplier(cap: CorrectiveActionPlan) -> Membership:
    return supplier_admin_of(cap.facility)


def due(cap: CorrectiveActionPlan) -> date:
    assert cap.due_date is not None
    return cap.due_date


def digests_to(outbox: list[Any], membership: Membership) -> list[Any]:
    return [m for m in outbox if m.to == [membership.user.email]]


def reminders_of(membership: Membership) -> list[Notification]:
    return list(Notification.objects.filter(membership=membership, kind="reminder"))


def caps_for(brand: Brand, facility: Facility, count: int) -> list[CorrectiveActionPlan]:
    """``count`` CAPs on one facility, opened by finalizing one audit."""
    audit = final_audit(brand.admin, facility, findings=count, category="HOURS")
    caps_open_for_audit(audit_id=str(audit.pk))  # what the audit_finalized receiver does
    opened = list(CorrectiveActionPlan.objects.filter(finding__audit=audit))
    assert len(opened) == count
    return opened


def test_a_plan_due_soon_reminds_the_supplier_once_and_a_rerun_sends_nothing(
    cap: CorrectiveActionPlan, supplier: Membership, brand: Brand, mailoutbox: list[Any]
) -> None:
    today = due(cap) - timedelta(days=3)

    run = cap_reminders_send(today=today)

    assert run == ReminderRun(claimed=1, muted=0, emails=1, notifications=1, failed=0)
    [digest] = mailoutbox
    assert digest.to == [supplier.user.email]
    assert "Due within a week" in digest.body
    assert f"{cap.finding} · {cap.facility.name} · {brand.org.name}" in digest.body
    assert f"{settings.SITE_URL}/caps/{cap.pk}/" in digest.body
    [notification] = reminders_of(supplier)
    assert notification.url == f"/caps/{cap.pk}/"
    assert str(cap.finding) in notification.body
    assert not reminders_of(brand.csr)

    rerun = cap_reminders_send(today=today)
    tomorrow = cap_reminders_send(today=today + timedelta(days=1))

    assert rerun.claimed == tomorrow.claimed == 0
    assert len(mailoutbox) == 1
    assert len(reminders_of(supplier)) == 1


def test_forty_plans_due_soon_make_one_email_listing_forty(
    brand: Brand, mailoutbox: list[Any]
) -> None:
    facility = facility_of(brand.admin)
    caps = caps_for(brand, facility, 40)
    supplier = supplier_admin_of(facility)

    run = cap_reminders_send(today=due(caps[0]) - timedelta(days=1))

    assert run.emails == 1
    [digest] = mailoutbox
    assert "40 corrective action plans need your attention" in digest.subject
    for cap in caps:
        assert f"/caps/{cap.pk}/" in digest.body
    assert digest.body.count("- F-") == 40
    [notification] = reminders_of(supplier)
    assert notification.body.count("• F-") == 40
    assert notification.url == "/caps/"


def test_a_long_digest_shows_the_most_urgent_and_counts_the_rest(
    brand: Brand, monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]
) -> None:
    monkeypatch.setattr(reminders, "DIGEST_MAX_LINES", 2)
    facility = facility_of(brand.admin)
    caps = caps_for(brand, facility, 5)
    supplier = supplier_admin_of(facility)

    cap_reminders_send(today=due(caps[0]) - timedelta(days=1))

    [digest] = mailoutbox
    assert "Due within a week (5)" in digest.body
    assert digest.body.count("- F-") == 2
    assert (
        f"… and 3 more plans. All your plans, the most urgent first:\n{settings.SITE_URL}/caps/"
        in digest.body
    )
    [notification] = reminders_of(supplier)
    assert notification.body.count("• F-") == 2
    assert notification.body.endswith("… and 3 more plans.")


def test_overdue_plans_are_reminded_again_every_seven_days(
    cap: CorrectiveActionPlan, supplier: Membership, mailoutbox: list[Any]
) -> None:
    first_day_late = due(cap) + timedelta(days=1)

    cap_reminders_send(today=first_day_late)
    cap_reminders_send(today=first_day_late + timedelta(days=3))
    assert len(digests_to(mailoutbox, supplier)) == 1
    assert "1 day overdue" in mailoutbox[0].body

    cap_reminders_send(today=first_day_late + timedelta(days=6))
    assert len(digests_to(mailoutbox, supplier)) == 1

    cap_reminders_send(today=first_day_late + timedelta(days=8))
    second = digests_to(mailoutbox, supplier)
    assert len(second) == 2
    assert "9 days overdue" in second[1].body
    assert ReminderLog.objects.filter(cap=cap, kind="overdue").count() == 2


def test_escalation_reaches_csr_staff_and_the_sourcing_owner_after_the_grace_period(
    cap: CorrectiveActionPlan, supplier: Membership, brand: Brand, mailoutbox: list[Any]
) -> None:
    severity_policy_update(by=brand.admin, escalation_grace_days=3)
    SourcingRelationship.objects.filter(brand=brand.org, facility=cap.facility).update(
        sourcing_owner=brand.sourcing
    )

    cap_reminders_send(today=due(cap) + timedelta(days=3))
    assert [m.to for m in mailoutbox] == [[supplier.user.email]]

    mailoutbox.clear()
    cap_reminders_send(today=due(cap) + timedelta(days=4))

    told = {m.to[0] for m in mailoutbox}
    assert told == {brand.admin.user.email, brand.csr.user.email, brand.sourcing.user.email}
    for digest in mailoutbox:
        assert "Escalated: overdue beyond the grace period" in digest.body
        assert "4 days overdue" in digest.body
    assert reminders_of(brand.sourcing)[0].title == "1 corrective action plan needs your attention"
    assert not reminders_of(brand.viewer)
    assert not ReminderLog.objects.filter(membership=supplier, kind="escalation").exists()

    # Weekly: the supplier's second overdue reminder on day 10, the brand's second
    # escalation seven days after its first.
    mailoutbox.clear()
    cap_reminders_send(today=due(cap) + timedelta(days=10))
    assert [m.to for m in mailoutbox] == [[supplier.user.email]]
    cap_reminders_send(today=due(cap) + timedelta(days=11))
    assert len(mailoutbox) == 4


def test_one_email_per_person_even_across_organizations_escalations_first(
    cap: CorrectiveActionPlan, brand: Brand, mailoutbox: list[Any]
) -> None:
    # The brand's CSR person also works at the supplier (a second membership), and is
    # the sourcing owner too: one e-mail, one item per CAP and kind, one in-app
    # notification in each organization.
    at_supplier = member(
        "supplier", "member", organization=cap.facility.supplier, email=brand.csr.user.email
    )
    SourcingRelationship.objects.filter(brand=brand.org, facility=cap.facility).update(
        sourcing_owner=brand.csr
    )

    cap_reminders_send(today=due(cap) + timedelta(days=20))

    [digest] = digests_to(mailoutbox, brand.csr)
    assert (
        digest.subject == "[CSR Platform] Reminder: 1 corrective action plan needs your attention"
    )
    assert digest.body.index("Escalated") < digest.body.index("Overdue (1)")
    assert ReminderLog.objects.filter(membership=brand.csr, kind="escalation").count() == 1
    assert len(reminders_of(brand.csr)) == len(reminders_of(at_supplier)) == 1
    assert "Escalated" not in reminders_of(at_supplier)[0].body


def test_a_muted_category_is_not_sent_but_colleagues_still_get_theirs(
    cap: CorrectiveActionPlan, supplier: Membership, mailoutbox: list[Any]
) -> None:
    colleague = member("supplier", "member", organization=cap.facility.supplier)
    supplier.user.muted_notifications = [MutableReminder.CAP_DUE_SOON]
    supplier.user.save()
    today = due(cap) - timedelta(days=2)

    run = cap_reminders_send(today=today)

    assert run.claimed == 2
    assert run.muted == 1
    assert [m.to for m in mailoutbox] == [[colleague.user.email]]
    assert not reminders_of(supplier)
    assert len(reminders_of(colleague)) == 1
    # Unmuting starts with the next reminder, it does not send the muted backlog.
    supplier.user.muted_notifications = []
    supplier.user.save()
    cap_reminders_send(today=today + timedelta(days=1))
    assert len(mailoutbox) == 1

    # Muting "due soon" does not mute "overdue".
    cap_reminders_send(today=due(cap) + timedelta(days=1))
    assert len(digests_to(mailoutbox, supplier)) == 1


def test_escalations_ignore_mute(
    cap: CorrectiveActionPlan, brand: Brand, mailoutbox: list[Any]
) -> None:
    brand.csr.user.muted_notifications = list(MutableReminder.values)
    brand.csr.user.save()

    cap_reminders_send(today=due(cap) + timedelta(days=30))

    [digest] = digests_to(mailoutbox, brand.csr)
    assert "Escalated" in digest.body
    assert len(reminders_of(brand.csr)) == 1


def test_submitted_verified_and_cancelled_plans_are_not_reminded(
    brand: Brand, mailoutbox: list[Any]
) -> None:
    facility = facility_of(brand.admin)
    waiting, dropped = caps_for(brand, facility, 2)
    done = open_cap(brand.admin, facility=facility)  # verified on evidence, at the desk
    supplier = supplier_admin_of(facility)
    submitted(waiting, supplier)
    verified(done, supplier, brand.csr)
    cap_cancel(cap=dropped, by=brand.csr, reason="Duplicate of another finding")

    for days in (-3, 1, 30):
        run = cap_reminders_send(today=due(waiting) + timedelta(days=days))
        assert run.claimed == 0

    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_a_consultant_on_the_plan_is_reminded_with_the_supplier(
    cap: CorrectiveActionPlan, supplier: Membership, brand: Brand, mailoutbox: list[Any]
) -> None:
    consultancy = cast(Organization, OrganizationFactory(kind="partner", partner_type="consultant"))
    consultant = member("partner", "member", organization=consultancy)
    participant_add(cap=cap, by=brand.csr, organization_slug=consultancy.slug)

    cap_reminders_send(today=due(cap) + timedelta(days=2))

    assert {m.to[0] for m in mailoutbox} == {supplier.user.email, consultant.user.email}


def test_the_digest_is_in_the_readers_language(
    cap: CorrectiveActionPlan, supplier: Membership, mailoutbox: list[Any]
) -> None:
    colleague = member("supplier", "member", organization=cap.facility.supplier, language="es")

    cap_reminders_send(today=due(cap) + timedelta(days=2))

    [spanish] = digests_to(mailoutbox, colleague)
    [english] = digests_to(mailoutbox, supplier)
    # "Overdue" is in the Spanish catalogue; dates follow the reader's locale.
    assert "Vencido (1)" in spanish.body
    assert f"de {due(cap).year}" in spanish.body
    assert "Overdue (1)" in english.body
    assert "Vencido" not in english.body


def test_a_failed_email_leaves_that_persons_items_for_the_next_run(
    cap: CorrectiveActionPlan,
    supplier: Membership,
    monkeypatch: pytest.MonkeyPatch,
    mailoutbox: list[Any],
) -> None:
    colleague = member("supplier", "member", organization=cap.facility.supplier)
    real_send_mail = reminders.send_mail

    def refused_for_supplier(subject: str, body: str, sender: Any, to: list[str]) -> int:
        if to == [supplier.user.email]:
            raise smtplib.SMTPRecipientsRefused({to[0]: (550, b"mailbox unavailable")})
        return real_send_mail(subject, body, sender, to)

    monkeypatch.setattr(reminders, "send_mail", refused_for_supplier)
    today = due(cap) + timedelta(days=1)

    first = cap_reminders_send(today=today)

    assert (first.emails, first.failed) == (1, 1)
    assert [m.to for m in mailoutbox] == [[colleague.user.email]]
    assert not reminders_of(supplier)
    assert not ReminderLog.objects.filter(membership=supplier).exists()

    monkeypatch.setattr(reminders, "send_mail", real_send_mail)
    second = cap_reminders_send(today=today)

    assert (second.emails, second.failed) == (1, 0)
    assert [m.to for m in mailoutbox] == [[colleague.user.email], [supplier.user.email]]
    assert len(reminders_of(supplier)) == len(reminders_of(colleague)) == 1
    assert ReminderLog.objects.filter(sent_at__isnull=True).count() == 0


def test_a_run_stopped_midway_releases_what_it_did_not_send(
    cap: CorrectiveActionPlan, supplier: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("template bug")

    monkeypatch.setattr(reminders, "_email_digest", broken)
    today = due(cap) + timedelta(days=1)

    with pytest.raises(RuntimeError):
        cap_reminders_send(today=today)

    assert not ReminderLog.objects.exists()
    monkeypatch.undo()
    assert cap_reminders_send(today=today).emails == 1


def outcome(outbox: list[Any]) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.body) for m in outbox)


def test_tiny_batches_give_the_same_result(
    brand: Brand, monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]
) -> None:
    first, second = facility_of(brand.admin, name="One"), facility_of(brand.admin, name="Two")
    caps = caps_for(brand, first, 3) + caps_for(brand, second, 2)
    for facility in (first, second):
        supplier_admin_of(facility)
        member("supplier", "member", organization=facility.supplier)
    today = due(caps[0]) + timedelta(days=20)  # overdue and escalated

    whole = cap_reminders_send(today=today)
    expected = outcome(mailoutbox)
    ReminderLog.objects.all().delete()
    Notification.objects.filter(kind="reminder").delete()
    mailoutbox.clear()
    monkeypatch.setattr(reminders, "BATCH_SIZE", 2)
    batched = cap_reminders_send(today=today)

    assert batched == whole
    assert whole.emails == 6  # two people at each supplier, brand admin and CSR
    assert outcome(mailoutbox) == expected


def test_a_run_costs_the_same_queries_for_three_plans_or_twelve(brand: Brand) -> None:
    facility = facility_of(brand.admin)
    supplier_admin_of(facility)
    today = due(caps_for(brand, facility, 3)[0]) + timedelta(days=20)

    def queries_of_a_fresh_run() -> int:
        ReminderLog.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            run = cap_reminders_send(today=today)
        assert run.emails == 3  # the supplier, the brand's admin and CSR
        return len(queries)

    few = queries_of_a_fresh_run()
    caps_for(brand, facility, 9)

    assert queries_of_a_fresh_run() == few


def test_the_task_runs_under_eager_celery(
    cap: CorrectiveActionPlan, supplier: Membership, mailoutbox: list[Any]
) -> None:
    result = send_cap_reminders.delay(today=(due(cap) - timedelta(days=1)).isoformat())

    assert result.get() == {
        "claimed": 1,
        "muted": 0,
        "emails": 1,
        "notifications": 1,
        "failed": 0,
    }
    assert [m.to for m in mailoutbox] == [[supplier.user.email]]


def test_the_task_runs_again_after_a_failed_email_and_sends_it(
    cap: CorrectiveActionPlan,
    supplier: Membership,
    monkeypatch: pytest.MonkeyPatch,
    mailoutbox: list[Any],
) -> None:
    real_send_mail = reminders.send_mail
    attempts: list[str] = []

    def away_once(subject: str, body: str, sender: Any, to: list[str]) -> int:
        attempts.append(to[0])
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send_mail(subject, body, sender, to)

    monkeypatch.setattr(reminders, "send_mail", away_once)

    # Eager Celery runs the retry at once instead of in fifteen minutes.
    result = send_cap_reminders.delay(today=(due(cap) - timedelta(days=1)).isoformat())

    assert result.get()["emails"] == 1
    assert attempts == [supplier.user.email, supplier.user.email]
    assert [m.to for m in mailoutbox] == [[supplier.user.email]]
