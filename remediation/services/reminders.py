"""Reminders about CAP deadlines (DESIGN.md §3), sent by a daily job.

Three kinds of item:

- *due soon*: an open plan due within seven days → those who work on it (the
  supplier's members and the members of the consultants on the plan), once per deadline;
- *overdue*: past its due date → the same people, every seven days;
- *escalation*: overdue beyond the brand's grace period → the brand's CSR staff and
  the facility's sourcing owner for that brand, every seven days.

A plan submitted for verification waits for the brand, not for the supplier, so it is
not reminded; neither is a verified or cancelled one.

A run has two phases. It first *claims* its items, a batch of CAPs at a time: one
insert per batch into ``ReminderLog`` with conflicts ignored, so an item an earlier
run, a retry or a concurrent worker already claimed is skipped. It then *sends* what
it claimed — read back by its run id — as one digest per person: one e-mail in their
language and one in-app notification per membership. A person whose e-mail fails has
their items released (deleted) so the next run sends them; if the run itself fails,
every item it claimed but did not send yet is released the same way.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from uuid import UUID

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from audits.models import Finding
from audits.services.policy import severity_policy_for
from csr_platform.models import Membership, Notification, User
from csr_platform.models.users import MutableReminder
from csr_platform.permissions import Capability
from csr_platform.services.notifications import notify
from laws.taxonomy import FindingCategory, Severity
from remediation.models import CapParticipant, CorrectiveActionPlan, ReminderLog
from suppliers.models import SourcingRelationship

logger = logging.getLogger(__name__)

Kind = ReminderLog.Kind
Status = CorrectiveActionPlan.Status

# CAPs claimed per query, and persons sent to per query: the run never holds more.
BATCH_SIZE = 1_000
DUE_SOON_DAYS = 7
# Lines per kind in one digest: past this, a list of links stops being read; the
# rest is counted and the CAP list (sorted by urgency) linked.
DIGEST_MAX_LINES = 100
REPEAT_EVERY_DAYS = 7
REMINDED_STATES = (Status.OPEN, Status.IN_PROGRESS, Status.RETURNED)
# Escalations first: they are what a reader must not miss.
KIND_ORDER: dict[str, int] = {Kind.ESCALATION: 0, Kind.OVERDUE: 1, Kind.DUE_SOON: 2}
CATEGORY_LABELS: dict[str, StrOrPromise] = dict(FindingCategory.choices)
SEVERITY_LABELS: dict[str, StrOrPromise] = dict(Severity.choices)
MUTED_AS: dict[str, str] = {
    Kind.DUE_SOON: MutableReminder.CAP_DUE_SOON,
    Kind.OVERDUE: MutableReminder.CAP_OVERDUE,
}


@dataclass
class ReminderRun:
    """What one run did. ``failed`` counts persons whose e-mail failed; their items
    were released for the next run."""

    claimed: int = 0
    muted: int = 0
    emails: int = 0
    notifications: int = 0
    failed: int = 0


def cap_reminders_send(*, today: date | None = None) -> ReminderRun:
    """Claim today's reminder items and send each person one digest of them.

    Safe to run again the same day, to retry, or to run on two workers at once: an
    item is sent at most once per person and period (``ReminderLog``).
    """
    today = today or timezone.localdate()
    run_id = uuid.uuid4()
    run = ReminderRun()
    try:
        recipients = Recipients()
        for caps in _caps_to_remind(today):
            ReminderLog.objects.bulk_create(
                _claims_for(caps, today=today, recipients=recipients, run_id=run_id),
                ignore_conflicts=True,
            )
        counts = ReminderLog.objects.filter(run_id=run_id).aggregate(
            claimed=Count("pk"), muted=Count("pk", filter=Q(muted=True))
        )
        run.claimed, run.muted = counts["claimed"], counts["muted"]
        for items in _claimed_items_by_person(run_id):
            if _digest_send(items, today=today):
                run.emails += 1
                run.notifications += len({item.membership_id for item in items})
            else:
                run.failed += 1
    except BaseException:
        # Whatever stopped the run (an error, the task's time limit), the items it
        # claimed but did not send must not stay claimed, or no run would send them.
        ReminderLog.objects.filter(run_id=run_id, muted=False, sent_at__isnull=True).delete()
        raise
    return run


# --- Phase 1: claiming ----------------------------------------------------------------


def _caps_to_remind(today: date) -> Iterator[list[CorrectiveActionPlan]]:
    """Open plans due within a week or overdue, ``BATCH_SIZE`` at a time (keyset on
    the primary key, so each query is bounded and none is skipped or repeated)."""
    caps = (
        CorrectiveActionPlan.objects.filter(
            status__in=REMINDED_STATES, due_date__lte=today + timedelta(days=DUE_SOON_DAYS)
        )
        .select_related("facility")
        .only("pk", "brand_id", "due_date", "facility__supplier_id")
        .order_by("pk")
    )
    after: UUID | None = None
    while True:
        batch = list((caps if after is None else caps.filter(pk__gt=after))[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        after = batch[-1].pk


def reminders_due(
    cap: CorrectiveActionPlan, *, today: date, grace_days: int
) -> list[tuple[str, int]]:
    """The (kind, period) items a plan calls for today.

    Periods count whole weeks from the first day an item applies (the day after the
    due date for *overdue*, the day after the grace period for *escalation*), so a
    reminder repeats exactly every seven days whichever day the first went out.
    """
    assert cap.due_date is not None
    days_late = (today - cap.due_date).days
    if days_late <= 0:
        return [(Kind.DUE_SOON, 0)]
    items: list[tuple[str, int]] = [(Kind.OVERDUE, (days_late - 1) // REPEAT_EVERY_DAYS)]
    if days_late > grace_days:
        items.append((Kind.ESCALATION, (days_late - grace_days - 1) // REPEAT_EVERY_DAYS))
    return items


class Recipients:
    """Who hears about a plan: each organization's members and each brand's grace
    period are looked up once per run, however many of its plans are due.

    ``load`` reads the members of a whole batch's organizations in one query — what
    ``members_who_can`` answers for one organization (active members whose role holds
    the capability), here also requiring an active user, since a deactivated person
    gets no e-mail."""

    def __init__(self) -> None:
        self._members_of: dict[UUID, list[Membership]] = {}
        self._members: dict[tuple[UUID, Capability], list[Membership]] = {}
        self._grace_days: dict[UUID, int] = {}

    def load(self, organization_ids: set[UUID]) -> None:
        missing = organization_ids - self._members_of.keys()
        if not missing:
            return
        for organization_id in missing:
            self._members_of[organization_id] = []
        members = Membership.objects.filter(
            organization_id__in=missing, is_active=True, user__is_active=True
        ).select_related("organization", "user")
        for membership in members:
            self._members_of[membership.organization_id].append(membership)

    def members(self, organization_id: UUID, capability: Capability) -> list[Membership]:
        key = (organization_id, capability)
        if key not in self._members:
            self.load({organization_id})
            self._members[key] = [m for m in self._members_of[organization_id] if m.can(capability)]
        return self._members[key]

    def grace_days(self, brand_id: UUID) -> int:
        if brand_id not in self._grace_days:
            self._grace_days[brand_id] = severity_policy_for(brand_id).escalation_grace_days
        return self._grace_days[brand_id]


def _consultants_of(caps: list[CorrectiveActionPlan]) -> dict[UUID, list[UUID]]:
    """Per plan, the consultant organizations working on it now (one query)."""
    consultants: dict[UUID, list[UUID]] = {}
    rows = CapParticipant.objects.filter(
        cap__in=caps, role=CapParticipant.Role.CONSULTANT, removed_at__isnull=True
    ).values_list("cap_id", "organization_id")
    for cap_id, organization_id in rows:
        consultants.setdefault(cap_id, []).append(organization_id)
    return consultants


def _sourcing_owners_of(caps: list[CorrectiveActionPlan]) -> dict[tuple[UUID, UUID], Membership]:
    """Per (brand, facility), the brand's active sourcing owner of it (one query)."""
    if not caps:
        return {}
    relationships = SourcingRelationship.objects.filter(
        brand_id__in={cap.brand_id for cap in caps},
        facility_id__in={cap.facility_id for cap in caps},
        sourcing_owner__is_active=True,
        sourcing_owner__user__is_active=True,
    ).select_related("sourcing_owner__user")
    return {
        (r.brand_id, r.facility_id): r.sourcing_owner
        for r in relationships
        if r.sourcing_owner is not None
    }


def _claims_for(
    caps: list[CorrectiveActionPlan], *, today: date, recipients: Recipients, run_id: UUID
) -> list[ReminderLog]:
    """The log rows this batch of plans calls for, one per item and person."""
    due = {
        cap.pk: reminders_due(cap, today=today, grace_days=recipients.grace_days(cap.brand_id))
        for cap in caps
    }
    consultants = _consultants_of(caps)
    recipients.load(
        {cap.facility.supplier_id for cap in caps}
        | {cap.brand_id for cap in caps}
        | {organization_id for ids in consultants.values() for organization_id in ids}
    )
    escalated = [cap for cap in caps if any(kind == Kind.ESCALATION for kind, _p in due[cap.pk])]
    owners = _sourcing_owners_of(escalated)
    claims: dict[tuple[UUID, UUID, str], ReminderLog] = {}
    for cap in caps:
        assert cap.due_date is not None  # the batch query asks for a due date
        for kind, period in due[cap.pk]:
            if kind == Kind.ESCALATION:
                people = list(recipients.members(cap.brand_id, Capability.MANAGE_CAP))
                owner = owners.get((cap.brand_id, cap.facility_id))
                if owner is not None:
                    people.append(owner)
            else:
                people = list(recipients.members(cap.facility.supplier_id, Capability.WORK_ON_CAP))
                for organization_id in consultants.get(cap.pk, []):
                    people += recipients.members(organization_id, Capability.WORK_ON_CAP)
            for membership in people:
                # A sourcing owner who is also CSR staff is one person, one item.
                claims.setdefault(
                    (cap.pk, membership.pk, kind),
                    ReminderLog(
                        cap_id=cap.pk,
                        membership_id=membership.pk,
                        kind=kind,
                        due_date=cap.due_date,
                        period=period,
                        run_id=run_id,
                        muted=kind in MUTED_AS and membership.user.has_muted(MUTED_AS[kind]),
                    ),
                )
    return list(claims.values())


# --- Phase 2: sending -----------------------------------------------------------------


def _claimed_items_by_person(run_id: UUID) -> Iterator[list[ReminderLog]]:
    """This run's unmuted items, one person at a time (persons ``BATCH_SIZE`` per
    query, keyset on the user id)."""
    items = ReminderLog.objects.filter(run_id=run_id, muted=False)
    after: UUID | None = None
    while True:
        people = items.order_by("membership__user_id").values_list("membership__user_id", flat=True)
        if after is not None:
            people = people.filter(membership__user_id__gt=after)
        user_ids = list(people.distinct()[:BATCH_SIZE])
        if not user_ids:
            return
        rows = (
            items.filter(membership__user_id__in=user_ids)
            .select_related("membership__user", "cap__finding", "cap__facility", "cap__brand")
            # Only what a digest shows: a run may read tens of thousands of rows.
            .only(
                "kind",
                "due_date",
                "membership__is_active",
                "membership__user__email",
                "membership__user__full_name",
                "membership__user__language",
                "cap__finding__number",
                "cap__finding__category",
                "cap__finding__severity",
                "cap__facility__name",
                "cap__brand__name",
            )
            .order_by("membership__user_id", "pk")
        )
        for _user_id, person_items in groupby(rows, key=lambda item: item.membership.user_id):
            yield list(person_items)
        after = user_ids[-1]


@dataclass(frozen=True)
class DigestLine:
    """One item of a digest, worded in the reader's language."""

    cap_id: UUID
    kind: str
    finding: str
    facility: str
    brand: str
    due_date: date
    when: str
    path: str

    @property
    def link(self) -> str:
        return settings.SITE_URL + self.path

    def summary(self) -> str:
        return f"{self.finding} · {self.facility} · {self.brand} — {self.when}"


@dataclass(frozen=True)
class DigestSection:
    """One kind's lines, at most ``DIGEST_MAX_LINES`` of ``total``."""

    heading: str
    lines: list[DigestLine]
    total: int

    @property
    def more(self) -> str:
        hidden = self.total - len(self.lines)
        if not hidden:
            return ""
        return ngettext("… and %(count)s more plan.", "… and %(count)s more plans.", hidden) % {
            "count": hidden
        }


def _section_heading(kind: str) -> str:
    if kind == Kind.ESCALATION:
        return _("Escalated: overdue beyond the grace period")
    if kind == Kind.OVERDUE:
        return _("Overdue")
    return _("Due within a week")


def _when(kind: str, due_date: date, today: date) -> str:
    due = date_format(due_date, "DATE_FORMAT")
    days_late = (today - due_date).days
    if kind == Kind.DUE_SOON:
        if days_late == 0:
            return _("due today, %(due)s") % {"due": due}
        return ngettext(
            "due %(due)s, in %(days)s day", "due %(due)s, in %(days)s days", -days_late
        ) % {"due": due, "days": -days_late}
    return ngettext(
        "was due %(due)s, %(days)s day overdue",
        "was due %(due)s, %(days)s days overdue",
        days_late,
    ) % {"due": due, "days": days_late}


def _finding_title(finding: Finding) -> str:
    """``str(finding)`` — "F-3 Working hours (Major)", as finding numbers restart with
    each audit — from module-level label maps: ``get_FOO_display`` rebuilds its map of
    translated choices on every call, the bulk of a large run's time."""
    category = CATEGORY_LABELS.get(finding.category, finding.category)
    severity = SEVERITY_LABELS.get(finding.severity, finding.severity)
    return f"{finding.label} {category} ({severity})"


def _line(item: ReminderLog, today: date) -> DigestLine:
    cap = item.cap
    return DigestLine(
        cap_id=cap.pk,
        kind=item.kind,
        finding=_finding_title(cap.finding),
        facility=cap.facility.name,
        brand=cap.brand.name,
        due_date=item.due_date,
        when=_when(item.kind, item.due_date, today),
        path=reverse("cap_detail", args=[cap.pk]),
    )


def _sections(lines: list[DigestLine]) -> list[DigestSection]:
    """Lines grouped by kind, escalations first, the oldest deadline first within;
    a long section shows its first lines and says how many more there are."""
    ordered = sorted(lines, key=lambda line: (KIND_ORDER[line.kind], line.due_date, line.finding))
    sections = []
    for kind, group in groupby(ordered, key=lambda line: line.kind):
        of_kind = list(group)
        sections.append(
            DigestSection(
                heading=_section_heading(kind),
                lines=of_kind[:DIGEST_MAX_LINES],
                total=len(of_kind),
            )
        )
    return sections


def _attention(lines: list[DigestLine]) -> str:
    # Plans, not items: an overdue plan escalated to a reader is one plan.
    count = len({line.cap_id for line in lines})
    return ngettext(
        "%(count)s corrective action plan needs your attention",
        "%(count)s corrective action plans need your attention",
        count,
    ) % {"count": count}


def _in_app_notify(membership: Membership, lines: list[DigestLine]) -> None:
    """One notification listing the membership's items; e-mail is the digest's job."""
    body = "\n\n".join(
        "\n".join(
            [section.heading]
            + [f"• {line.summary()}" for line in section.lines]
            + ([section.more] if section.more else [])
        )
        for section in _sections(lines)
    )
    # One item: straight to it. Several: the CAP list, sorted by urgency.
    url = lines[0].path if len(lines) == 1 else reverse("cap_list")
    notify(
        memberships=[membership],
        kind=Notification.Kind.REMINDER,
        title=_attention(lines),
        body=body,
        url=url,
        email=False,
    )


def _email_digest(user: User, lines: list[DigestLine]) -> None:
    context = {
        "user": user,
        "summary": _attention(lines),
        "sections": _sections(lines),
        "list_link": settings.SITE_URL + reverse("cap_list"),
        "profile_link": settings.SITE_URL + reverse("settings_profile"),
    }
    subject = render_to_string("emails/reminder_digest_subject.txt", context).strip()
    body = render_to_string("emails/reminder_digest.txt", context)
    send_mail(subject, body, None, [user.email])


def _digest_send(items: list[ReminderLog], *, today: date) -> bool:
    """Send one person their digest: one e-mail, one notification per membership.
    Returns whether it went out; if not, the items are released for the next run."""
    user = items[0].membership.user
    try:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            lines = {item.pk: _line(item, today) for item in items}
            # The notifications and the "sent" mark commit only if the e-mail went.
            with transaction.atomic():
                by_membership = sorted(items, key=lambda item: item.membership_id)
                for _m, group in groupby(by_membership, key=lambda item: item.membership_id):
                    memberships_items = list(group)
                    _in_app_notify(
                        memberships_items[0].membership,
                        [lines[item.pk] for item in memberships_items],
                    )
                ReminderLog.objects.filter(pk__in=list(lines)).update(sent_at=timezone.now())
                _email_digest(user, list(lines.values()))
    except OSError:
        # A refused address or a mail server away (smtplib's errors are OSErrors):
        # release the items for the next run and go on with the others. Anything
        # else is a bug and stops the run, which releases every unsent item.
        logger.exception("Reminder digest to user %s failed; released for the next run", user.pk)
        ReminderLog.objects.filter(pk__in=[item.pk for item in items]).delete()
        return False
    return True
