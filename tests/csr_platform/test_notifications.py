"""The notification centre and its e-mails: a person sees only the notifications of
the membership they act for, reads them one by one or all at once, sees the unread
count in the navigation, and gets each e-mail once, in their own language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from csr_platform import tasks
from csr_platform.models import Membership, Notification, User
from csr_platform.services.notifications import notify
from csr_platform.tasks import send_notification_email
from csr_platform.views.mixins import PAGE_SIZE
from tests.factories import member

pytestmark = pytest.mark.django_db

LIST = "/notifications/"
KIND = Notification.Kind.ZERO_TOLERANCE


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def tell(membership: Membership, title: str, url: str = "/audits/", **extra: Any) -> Notification:
    (row,) = notify(memberships=[membership], kind=KIND, title=title, url=url, email=False, **extra)
    return row


@pytest.fixture
def csr() -> Membership:
    return member("brand", "csr", full_name="Cora CSR")


def test_the_urls_are_the_ones_the_pages_link_to(csr: Membership) -> None:
    row = tell(csr, "Child labour at Lotus Knit")
    assert reverse("notification_list") == LIST
    assert reverse("notification_read", args=[row.pk]) == f"{LIST}{row.pk}/read/"
    assert reverse("notifications_read_all") == f"{LIST}read-all/"


# --- The list --------------------------------------------------------------------------


def test_the_list_shows_only_the_acting_memberships_notifications_newest_first(
    csr: Membership,
) -> None:
    colleague = member("brand", "csr", organization=csr.organization)
    # The same person in another organization: that seat's alerts wait for that seat.
    other_seat = member("supplier", "admin", email=csr.user.email)
    tell(csr, "First: zero tolerance at Lotus Knit")
    tell(csr, "Second: an audit is shared with you", body="Read-only, from Acme.")
    tell(colleague, "Colleague's own alert")
    tell(other_seat, "Other organization's alert")

    page = text(client_for(csr).get(LIST))

    assert page.index("Second: an audit is shared with you") < page.index("First: zero tolerance")
    assert "Read-only, from Acme." in page
    assert "Colleague&#x27;s own alert" not in page
    assert "Other organization&#x27;s alert" not in page
    assert page.count('class="notification unread"') == 2


def test_the_nav_shows_the_unread_count_to_every_member(csr: Membership) -> None:
    tell(csr, "One")
    tell(csr, "Two")
    supplier = member("supplier", "member")

    brand_home = text(client_for(csr).get(reverse("home")))
    supplier_home = text(client_for(supplier).get(reverse("home")))

    assert 'aria-label="Notifications: 2 unread"' in brand_home
    assert f'href="{LIST}"' in supplier_home
    assert 'aria-label="Notifications: 0 unread"' in supplier_home


def test_marking_one_read_takes_it_off_the_count_and_returns_to_the_same_page(
    csr: Membership,
) -> None:
    row = tell(csr, "Law changed for 3 findings")
    tell(csr, "Still unread")
    client = client_for(csr)

    response = client.post(
        reverse("notification_read", args=[row.pk]), {"next": f"{LIST}?unread=1"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?unread=1"
    row.refresh_from_db()
    assert row.read_at is not None
    page = text(client.get(LIST))
    assert 'aria-label="Notifications: 1 unread"' in page
    assert page.count('class="notification unread"') == 1
    assert "Law changed for 3 findings" not in text(client.get(LIST, {"unread": "1"}))


def test_opening_a_notification_marks_it_read_and_follows_its_link(csr: Membership) -> None:
    row = tell(csr, "Zero tolerance", url="/audits/shares/")

    response = client_for(csr).post(reverse("notification_read", args=[row.pk]), {"open": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/audits/shares/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_a_link_off_the_site_is_never_followed(csr: Membership) -> None:
    row = tell(csr, "Odd link", url="https://evil.example/phish")

    response = client_for(csr).post(
        reverse("notification_read", args=[row.pk]), {"open": "1", "next": "https://evil.example/"}
    )

    assert response["Location"] == LIST


def test_mark_all_read_touches_only_the_own_notifications(csr: Membership) -> None:
    colleague = member("brand", "csr", organization=csr.organization)
    for n in range(3):
        tell(csr, f"Alert {n}")
    theirs = tell(colleague, "Theirs")
    client = client_for(csr)

    response = client.post(reverse("notifications_read_all"), follow=True)

    assert "3 notifications marked read." in text(response)
    assert not Notification.objects.filter(membership=csr, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "Nothing was unread." in text(
        client.post(reverse("notifications_read_all"), follow=True)
    )


def test_another_members_notification_is_not_found(csr: Membership) -> None:
    colleague = member("brand", "csr", organization=csr.organization)
    theirs = tell(colleague, "Theirs")

    response = client_for(csr).post(reverse("notification_read", args=[theirs.pk]), {"open": "1"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_needs_a_post(csr: Membership) -> None:
    row = tell(csr, "Alert")
    client = client_for(csr)

    assert client.get(reverse("notification_read", args=[row.pk])).status_code == 405
    assert client.get(reverse("notifications_read_all")).status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


def test_the_empty_centre_says_what_will_appear_there(csr: Membership) -> None:
    page = text(client_for(csr).get(LIST))

    assert "No notifications yet." in page
    assert "Mark all read" not in page


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_is_paged_and_reads_a_fixed_number_of_queries(csr: Membership) -> None:
    def queries() -> tuple[int, str]:
        client = client_for(csr)
        client.get(LIST)  # the session and the membership are warm, as in real use
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(captured), text(response)

    for n in range(3):
        tell(csr, f"Alert {n}")
    few, few_page = queries()
    for n in range(3, PAGE_SIZE + 10):
        tell(csr, f"Alert {n}")
    many, many_page = queries()

    assert few_page.count('id="notification-') == 3
    assert many_page.count('id="notification-') == PAGE_SIZE
    assert "Page 1 of 2" in many_page
    assert many == few
    second = text(client_for(csr).get(LIST, {"page": "2"}))
    assert second.count('id="notification-') == 10


# --- notify() and the e-mail -----------------------------------------------------------


def test_notify_skips_memberships_no_longer_active(csr: Membership) -> None:
    gone = member("brand", "csr", organization=csr.organization)
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    rows = notify(memberships=[csr, gone], kind=KIND, title="Zero tolerance", email=False)

    assert [row.membership_id for row in rows] == [csr.pk]
    assert not Notification.objects.filter(membership=gone).exists()


def test_notify_emails_after_commit(
    csr: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (row,) = notify(memberships=[csr], kind=KIND, title="Zero tolerance", url="/audits/")
    assert mail.outbox == []

    for callback in callbacks:
        callback()

    assert [message.to for message in mail.outbox] == [[csr.user.email]]
    row.refresh_from_db()
    assert row.emailed_at is not None


def test_the_email_is_sent_once(csr: Membership, settings: Any) -> None:
    settings.SITE_URL = "https://csr.example.org"
    row = tell(csr, "Zero tolerance at Lotus Knit", url="/audits/abc/", body="F-1 Child labour")

    first = send_notification_email(notification_id=str(row.pk))
    second = send_notification_email(notification_id=str(row.pk))

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [csr.user.email]
    assert message.subject == f"[{csr.organization.name}] Zero tolerance at Lotus Knit"
    assert "F-1 Child labour" in message.body
    assert "https://csr.example.org/audits/abc/" in message.body


def test_the_email_is_written_in_the_recipients_language(
    csr: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    User.objects.filter(pk=csr.user_id).update(language="es")
    row = tell(csr, "Tolerancia cero")
    languages: list[str | None] = []
    render = tasks.render_to_string

    def render_and_note_language(*args: Any, **kwargs: Any) -> str:
        languages.append(translation.get_language())
        return render(*args, **kwargs)

    monkeypatch.setattr(tasks, "render_to_string", render_and_note_language)

    with translation.override("en"):
        assert send_notification_email(notification_id=str(row.pk))

    assert languages == ["es", "es"]  # subject and body
    assert len(mail.outbox) == 1


def test_a_failed_send_leaves_the_email_for_the_retry(
    csr: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = tell(csr, "Zero tolerance")

    def broken_mail(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr(tasks, "send_mail", broken_mail)
    with pytest.raises(OSError):
        send_notification_email(notification_id=str(row.pk))
    row.refresh_from_db()
    assert row.emailed_at is None

    monkeypatch.undo()
    assert send_notification_email(notification_id=str(row.pk))
    assert len(mail.outbox) == 1


# --- The admin -------------------------------------------------------------------------


def test_staff_read_notifications_in_the_admin_but_do_not_write_them(csr: Membership) -> None:
    row = tell(csr, "Zero tolerance at Lotus Knit")
    staff = User.objects.create_superuser(
        email="staff@example.com", password="x-" * 8, full_name="Platform Staff"
    )
    browser = Client()
    browser.force_login(staff)

    changelist = browser.get("/admin/csr_platform/notification/")
    detail = browser.get(f"/admin/csr_platform/notification/{row.pk}/change/")

    assert changelist.status_code == 200
    assert "Zero tolerance at Lotus Knit" in text(changelist)
    assert detail.status_code == 200
    assert 'name="title"' not in text(detail)  # shown, not editable
    assert browser.get("/admin/csr_platform/notification/add/").status_code == 403
