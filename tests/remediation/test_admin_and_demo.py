"""The remediation demo tells the CAPs of the demo audits through the real services —
every state, root causes that name the brand's own purchasing practices, real evidence
files with the dates they are valid, more time asked for, partners and another brand
on a plan, fixes that did not hold — and can be loaded twice; platform staff look at
all of it in the admin without changing anything."""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from audits import demo as audits_demo
from audits.models import Audit, AuditShare, Finding
from csr_platform import demo as core_demo
from csr_platform.demo import DEFAULT_PASSWORD
from csr_platform.models import Membership, Organization, User
from laws import demo as laws_demo
from remediation import demo
from remediation.models import (
    CapAction,
    CapEvent,
    CapParticipant,
    Comment,
    ConsultantNote,
    ConsultantProfile,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    ReminderLog,
    RootCause,
)
from remediation.services.opening import caps_open_for_audit
from remediation.services.reminders import cap_reminders_send
from suppliers import demo as suppliers_demo
from tests.audits.helpers import facility_of, final_audit
from tests.factories import member

pytestmark = pytest.mark.django_db

Status = CorrectiveActionPlan.Status
Role = CapParticipant.Role
CHANGELIST = "/admin/remediation/correctiveactionplan/"
MODELS: list[Any] = [
    CorrectiveActionPlan,
    RootCause,
    CapAction,
    Evidence,
    Comment,
    ExtensionRequest,
    CapParticipant,
    CapEvent,
    ConsultantProfile,
    ConsultantNote,
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The demo creates a dozen logins; real hashing would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seeded() -> str:
    """Every demo remediation builds on, then the remediation demo, in one transaction
    (as ``seed_demo`` runs them: no ``audit_finalized`` announcement has been sent);
    returns what the remediation demo printed."""
    for module in (core_demo, laws_demo, suppliers_demo, audits_demo):
        module.seed(io.StringIO())
    output = io.StringIO()
    demo.seed(output)
    return output.getvalue()


def login(email: str, slug: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(
        user__email=email, organization__slug=slug
    )


def snapshot() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["Audit"] = Audit.objects.count()
    counts["Organization"] = Organization.objects.count()
    counts["User"] = User.objects.count()
    return counts


def demo_caps() -> Iterator[CorrectiveActionPlan]:
    return iter(CorrectiveActionPlan.objects.select_related("finding__audit", "facility"))


# --- Demo -----------------------------------------------------------------------------------


def test_seed_demo_twice_adds_no_remediation_data_the_second_time() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()

    output = io.StringIO()
    call_command("seed_demo", stdout=output)

    assert snapshot() == first
    assert first["CorrectiveActionPlan"] > 30
    printed = output.getvalue()
    assert "Remediation: 0 CAPs worked on: 0 root causes" in printed
    assert "0 directory profiles and notes added" in printed
    assert "member@workers-voice.example" in printed


def test_the_demo_has_caps_in_every_state_some_overdue_and_some_due_soon() -> None:
    printed = seeded()
    today = timezone.localdate()
    caps = list(demo_caps())

    assert {cap.status for cap in caps} == set(Status.values)
    assert any(cap.is_overdue(today) for cap in caps)
    assert any(
        cap.is_open and cap.due_date and today <= cap.due_date <= today + timedelta(days=7)
        for cap in caps
    )
    assert "CAPs of the demo audits:" in printed
    assert "Skipped" not in printed
    # One CAP per finding that is not an observation, of every final demo audit.
    non_conformities = Finding.objects.filter(audit__status=Audit.Status.FINAL).exclude(
        severity="observation"
    )
    assert len(caps) == non_conformities.count()


def test_each_fix_the_audits_demo_counted_as_verified_went_through_the_real_flow() -> None:
    seeded()

    for cap in demo_caps():
        if cap.finding.status != Finding.Status.RESOLVED:
            continue
        assert cap.status == Status.VERIFIED, cap.finding
        assert cap.root_causes.exists()
        assert cap.actions.filter(kind=CapAction.Kind.PREVENTIVE).exists()
        assert cap.evidence.exists()
        assert cap.events.filter(action="verify").exists()
        if cap.verification_method == CorrectiveActionPlan.Verification.FOLLOW_UP_AUDIT:
            follow_up = cap.follow_up_audit
            assert follow_up is not None, cap.finding
            assert follow_up.facility_id == cap.facility_id
            assert follow_up.start_date > cap.finding.audit.start_date


def test_a_later_audit_that_found_a_fix_undone_marked_the_verified_cap_not_sustained() -> None:
    seeded()

    not_sustained = CorrectiveActionPlan.objects.filter(not_sustained_at__isnull=False)
    assert not_sustained.count() >= 3
    for cap in not_sustained.select_related("finding__audit"):
        assert cap.status == Status.VERIFIED
        repeat = Finding.objects.select_related("audit").get(repeat_of=cap.finding)
        assert repeat.audit.start_date > cap.finding.audit.start_date
        assert CorrectiveActionPlan.objects.filter(finding=repeat).exists()
        assert cap.events.filter(action="not_sustained").count() == 1


def test_root_causes_include_the_brands_purchasing_practices_and_real_analyses() -> None:
    seeded()
    causes = RootCause.objects.select_related("cap__finding")

    codes = {cause.purchasing_code for cause in causes if cause.purchasing_code}
    assert len(codes) >= 3
    hours_codes = {c.purchasing_code for c in causes if c.cap.finding.category == "HOURS"}
    wage_codes = {c.purchasing_code for c in causes if c.cap.finding.category == "WAGE"}
    assert {"BP_LEADTIME", "BP_LATE_CHANGE"} <= hours_codes
    assert "BP_PRICE" in wage_codes
    five_whys = [c for c in causes if c.method == RootCause.Method.FIVE_WHYS]
    fishbone = [c for c in causes if c.method == RootCause.Method.FISHBONE]
    assert five_whys
    assert fishbone
    assert all(len(c.whys) >= 2 for c in five_whys)
    assert all(step["why"].endswith("?") and step["because"] for c in five_whys for step in c.whys)
    assert any(len(c.whys) >= 4 for c in five_whys)
    assert all(not c.whys for c in fishbone)
    actions = CapAction.objects.all()
    assert all(action.owner and action.due_date for action in actions)
    assert actions.filter(status=CapAction.Status.DONE, completed_on__isnull=False).exists()
    assert actions.filter(status=CapAction.Status.PLANNED).exists()


def _png_is_valid(content: bytes) -> bool:
    if not content.startswith(b"\x89PNG\r\n\x1a\n"):
        return False
    position, kinds = 8, []
    while position < len(content):
        (length,) = struct.unpack(">I", content[position : position + 4])
        kind = content[position + 4 : position + 8]
        data = content[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", content[position + 8 + length : position + 12 + length])
        if zlib.crc32(kind + data) & 0xFFFFFFFF != crc:
            return False
        kinds.append(kind)
        position += 12 + length
    return kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds


def _pdf_is_valid(content: bytes) -> bool:
    """A PDF whose cross-reference table points at its objects."""
    if not (content.startswith(b"%PDF-1.") and content.rstrip().endswith(b"%%EOF")):
        return False
    match = re.search(rb"startxref\n(\d+)\n", content)
    if match is None:
        return False
    xref = int(match.group(1))
    if not content[xref:].startswith(b"xref\n"):
        return False
    offsets = re.findall(rb"(\d{10}) 00000 n ", content[xref:])
    return bool(offsets) and all(
        content[int(offset) :].startswith(b"%d 0 obj" % number)
        for number, offset in enumerate(offsets, start=1)
    )


def test_evidence_files_are_real_pdfs_and_pngs_in_storage_dated_by_their_validity() -> None:
    seeded()
    evidence = list(Evidence.objects.all())

    assert {item.content_type for item in evidence} == {"application/pdf", "image/png"}
    dated = [item for item in evidence if item.valid_from and item.valid_until]
    assert len(dated) >= 5
    assert all(item.valid_from <= item.valid_until for item in dated)  # type: ignore[operator]
    assert any(item.is_expired() for item in dated)  # a licence the facility must renew
    assert any(not item.is_expired() for item in dated)
    for item in evidence:
        stored_name = item.file.name
        assert stored_name
        assert default_storage.exists(stored_name), item.file_name
        with default_storage.open(stored_name) as stored:
            content = stored.read()
        assert len(content) == item.size
        valid = _pdf_is_valid if item.content_type == "application/pdf" else _png_is_valid
        assert valid(content), item.file_name


def test_more_time_was_asked_for_approved_declined_and_is_pending() -> None:
    seeded()
    extensions = ExtensionRequest.objects.select_related("cap")

    approved = extensions.get(status=ExtensionRequest.Status.APPROVED)
    pending = extensions.get(status=ExtensionRequest.Status.PENDING)
    declined = extensions.get(status=ExtensionRequest.Status.DECLINED)

    assert approved.cap.due_date == approved.requested_due_date
    assert approved.previous_due_date is not None
    assert approved.previous_due_date < approved.requested_due_date
    assert pending.cap.due_date == pending.previous_due_date
    assert declined.decision_note
    assert declined.cap.due_date == declined.previous_due_date


def test_a_consultant_and_a_cso_work_on_one_cap_and_another_brand_joins_the_shared_one() -> None:
    printed = seeded()
    cso_member = login("member@workers-voice.example", "workers-voice")
    consultant = login("member@fairwork.example", "fairwork")

    active = CapParticipant.objects.filter(removed_at__isnull=True)
    consultant_caps = set(active.filter(role=Role.CONSULTANT).values_list("cap_id", flat=True))
    cso_caps = set(active.filter(role=Role.CSO).values_list("cap_id", flat=True))
    assert consultant_caps & cso_caps
    assert cso_member.organization.partner_type == "cso"
    assert cso_member.user.check_password(DEFAULT_PASSWORD)
    assert "member@workers-voice.example" in printed
    # Both partners speak on the plan they share.
    joint = next(iter(consultant_caps & cso_caps))
    authors = set(Comment.objects.filter(cap_id=joint).values_list("organization_id", flat=True))
    assert {consultant.organization_id, cso_member.organization_id} <= authors
    # A consultant works on a CAP of a facility without a supplier login.
    assert CapAction.objects.filter(created_by=consultant.user).exists()

    collaborating = active.select_related("cap__finding__audit", "organization").get(
        role=Role.COLLABORATING_BRAND
    )
    assert collaborating.organization.slug == "bluefjord"
    assert AuditShare.objects.filter(
        audit=collaborating.cap.finding.audit,
        brand=collaborating.organization,
        status=AuditShare.Status.ACTIVE,
    ).exists()
    bluefjord = login("csr@bluefjord.example", "bluefjord")
    assert (
        CorrectiveActionPlan.objects.visible_to(bluefjord).filter(pk=collaborating.cap_id).exists()
    )


def test_internal_comments_stay_with_the_brand_that_wrote_them() -> None:
    seeded()
    consultant = login("member@fairwork.example", "fairwork")
    brands = {slug: login(f"csr@{slug}.example", slug) for slug in ("northwind", "bluefjord")}
    internal = Comment.objects.filter(internal=True).select_related("cap__facility", "organization")

    assert {comment.organization.slug for comment in internal} == set(brands)
    for comment in internal:
        readers = [
            consultant,
            *Membership.objects.filter(organization=comment.cap.facility.supplier_id),
        ]
        readers += [m for slug, m in brands.items() if slug != comment.organization.slug]
        for reader in readers:
            assert not Comment.objects.visible_to(reader).filter(pk=comment.pk).exists()
            assert (
                not CapEvent.objects.visible_to(reader)
                .filter(cap=comment.cap, action="internal_comment")
                .exists()
            )
        writer = brands[comment.organization.slug]
        assert Comment.objects.visible_to(writer).filter(pk=comment.pk).exists()


def test_the_consultant_directory_has_the_partners_and_each_brands_private_notes() -> None:
    seeded()
    northwind = login("csr@northwind.example", "northwind")

    profiles = ConsultantProfile.objects.select_related("organization")
    assert {p.organization.slug for p in profiles} == {"fairwork", "workers-voice"}
    assert all(p.specialties and p.countries and p.languages for p in profiles)
    notes = ConsultantNote.objects.visible_to(northwind)
    assert notes.count() == 2
    assert set(notes.values_list("brand__slug", flat=True)) == {"northwind"}
    assert ConsultantNote.objects.filter(brand__slug="bluefjord").exists()


# --- Admin ------------------------------------------------------------------------------


def staff_browser() -> Client:
    staff = User.objects.create_superuser(
        email="support@platform.example", password="x-" * 8, full_name="Support"
    )
    browser = Client()
    browser.force_login(staff)
    return browser


def test_every_remediation_admin_page_opens_for_platform_staff() -> None:
    seeded()
    browser = staff_browser()
    not_sustained = CorrectiveActionPlan.objects.filter(not_sustained_at__isnull=False).first()
    joint = CapParticipant.objects.filter(role=Role.CSO).first()
    assert not_sustained is not None
    assert joint is not None
    pages = [
        CHANGELIST,
        f"{CHANGELIST}?status__exact=in_progress&verification_method__exact=desk_review",
        f"{CHANGELIST}?overdue=yes",
        f"{CHANGELIST}?overdue=no",
        f"{CHANGELIST}?not_sustained_at__isempty=0",
        f"{CHANGELIST}?q=gazipur",
        f"{CHANGELIST}?q=padlocked",
        f"{CHANGELIST}{not_sustained.pk}/change/",
        f"{CHANGELIST}{joint.cap_id}/change/",
    ]
    for model in MODELS[1:]:
        url = f"/admin/remediation/{model._meta.model_name}/"
        pages += [url, f"{url}{model.objects.first().pk}/change/"]

    statuses = {url: browser.get(url).status_code for url in pages}

    assert statuses == dict.fromkeys(pages, 200)
    page = browser.get(f"{CHANGELIST}{joint.cap_id}/change/").content.decode()
    assert "Workers&#x27; Voice Bangladesh" in page  # the participants inline
    assert "Why were the committee members appointed?" in page  # the five whys, read-only


def test_the_overdue_filter_lists_exactly_the_overdue_caps() -> None:
    seeded()
    browser = staff_browser()
    today = timezone.localdate()

    overdue = browser.get(f"{CHANGELIST}?overdue=yes").context["cl"]
    on_time = browser.get(f"{CHANGELIST}?overdue=no").context["cl"]

    expected = {cap.pk for cap in CorrectiveActionPlan.objects.all() if cap.is_overdue(today)}
    assert {cap.pk for cap in overdue.queryset} == expected
    assert overdue.result_count + on_time.result_count == CorrectiveActionPlan.objects.count()


def test_staff_cannot_change_a_cap_nor_add_or_delete_one_from_the_admin() -> None:
    seeded()
    browser = staff_browser()
    cap = CorrectiveActionPlan.objects.filter(status=Status.SUBMITTED).first()
    assert cap is not None

    refused_change = browser.post(
        f"{CHANGELIST}{cap.pk}/change/", {"status": "verified", "verification_note": "OK"}
    )
    refused_add = browser.get(f"{CHANGELIST}add/")
    refused_delete = browser.post(f"{CHANGELIST}{cap.pk}/delete/", {"post": "yes"})
    refused_evidence_delete = browser.post(
        f"/admin/remediation/evidence/{Evidence.objects.first().pk}/delete/",  # type: ignore[union-attr]
        {"post": "yes"},
    )
    actions = browser.get(CHANGELIST).context["action_form"]

    assert refused_change.status_code == 403
    assert refused_add.status_code == 403
    assert refused_delete.status_code == 403
    assert refused_evidence_delete.status_code == 403
    cap.refresh_from_db()
    assert (cap.status, cap.verified_at) == (Status.SUBMITTED, None)
    assert actions is None  # no bulk delete, no state-changing action


def test_evidence_pages_never_link_the_stored_file() -> None:
    seeded()
    browser = staff_browser()
    evidence = Evidence.objects.first()
    assert evidence is not None

    page = browser.get(f"/admin/remediation/evidence/{evidence.pk}/change/").content.decode()
    cap_page = browser.get(f"{CHANGELIST}{evidence.cap_id}/change/").content.decode()

    assert evidence.file_name in page
    assert "/media/" not in page
    assert "/media/" not in cap_page


# Session, user, the active membership (page context), the filtered and the full count,
# and the page of rows with their finding, audit, facility and brand: none per row.
CHANGELIST_QUERIES = 6


def test_the_cap_changelist_costs_the_same_queries_for_3_and_10_caps(
    django_assert_num_queries: Any,
) -> None:
    brand_admin = member("brand", "admin")
    facility = facility_of(brand_admin)
    browser = staff_browser()

    def add_caps(count: int, on: Any) -> None:
        audit = final_audit(brand_admin, facility, on=on, findings=count)
        caps_open_for_audit(audit_id=str(audit.pk))

    add_caps(3, timezone.localdate() - timedelta(days=400))
    with django_assert_num_queries(CHANGELIST_QUERIES):
        three = browser.get(CHANGELIST)
    add_caps(7, timezone.localdate() - timedelta(days=200))
    with django_assert_num_queries(CHANGELIST_QUERIES):
        ten = browser.get(CHANGELIST)

    assert (three.context["cl"].result_count, ten.context["cl"].result_count) == (3, 10)
    assert b"Dhaka Knit Ltd" in ten.content


def test_the_reminder_log_answers_why_someone_was_or_was_not_reminded() -> None:
    seeded()
    run = cap_reminders_send()
    browser = staff_browser()
    url = "/admin/remediation/reminderlog/"
    log = ReminderLog.objects.select_related("membership__user").first()

    assert run.claimed > 0
    assert log is not None
    listing = browser.get(f"{url}?q={log.membership.user.email}")
    assert listing.status_code == 200
    assert log.membership.user.email in listing.content.decode()
    assert browser.get(f"{url}{log.pk}/change/").status_code == 200
